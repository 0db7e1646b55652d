// The raft group as the node serving this page sees it: members, leader, term, indexes.
import { api } from '../api.js';
import { h, render, notice } from '../dom.js';
import { lastIndex, status } from '../live.js';

export function clusterView() {
  const data = h('div', { class: 'data' });
  const el = h('section', { 'aria-labelledby': 'cluster-title' }, h('h1', { id: 'cluster-title' }, 'Cluster'), data);
  return {
    el, title: 'Cluster',
    async refresh() {
      try {
        const c = await api.get('/v1/cluster');
        render(data,
          h('dl', { class: 'spec' },
            h('dt', {}, 'Leader'), h('dd', {}, c.leader ? h('a', { href: c.leader.http }, c.leader.http) : 'none (an election is running)'),
            h('dt', {}, 'This node'), h('dd', {}, `${c.self.http} · ${c.role}`),
            h('dt', {}, 'Term'), h('dd', {}, String(c.term)),
            h('dt', {}, 'Last event'), h('dd', {}, `${c.lastEventIndex} (this page: ${lastIndex()}, ${status()})`)),
          h('h2', {}, 'Members'),
          h('table', { class: 'members' },
            h('thead', {}, h('tr', {}, ['HTTP', 'Raft', 'Role'].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, c.members.map((m) => h('tr', { class: m.leader ? 'leader' : '' },
              h('td', { 'data-label': 'HTTP' }, h('a', { href: m.http }, m.http)),
              h('td', { 'data-label': 'Raft' }, m.raft),
              h('td', { 'data-label': 'Role' }, m.leader ? 'leader' : 'follower', m.self ? ' (serving this page)' : ''))))));
      } catch (e) {
        render(data, notice('error', e.message));
      }
    },
  };
}
