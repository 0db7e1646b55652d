// The agents the leader knows: resources used of offered, tasks, load, last heartbeat.
import { api } from '../api.js';
import { h, render, notice } from '../dom.js';
import { num, duration } from '../format.js';

function meter(used, total, unit) {
  const pct = total > 0 ? Math.round((100 * used) / total) : 0;
  return h('span', { class: 'meter' }, h('meter', { min: '0', max: String(total || 1), value: String(used), 'aria-label': `${pct}% used` }),
    ` ${num(used)} / ${num(total)}${unit}`);
}

export function agentsView() {
  const data = h('div', { class: 'data' });
  const el = h('section', { 'aria-labelledby': 'agents-title' }, h('h1', { id: 'agents-title' }, 'Agents'), data);
  return {
    el, title: 'Agents',
    async refresh() {
      try {
        const agents = (await api.get('/v1/agents')).agents;
        render(data, agents.length ? h('table', { class: 'agents' },
          h('thead', {}, h('tr', {}, ['Host', 'CPU', 'Memory', 'Disk', 'Tasks', 'Load', 'Last seen', 'Attributes'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, agents.map((a) => h('tr', { 'data-agent': a.id },
            h('td', { 'data-label': 'Host' }, a.hostname, h('br'), h('small', {}, h('code', {}, a.id))),
            h('td', { 'data-label': 'CPU' }, meter(a.used.cpus, a.resources.cpus, '')),
            h('td', { 'data-label': 'Memory' }, meter(a.used.mem, a.resources.mem, ' MiB')),
            h('td', { 'data-label': 'Disk' }, meter(a.used.disk, a.resources.disk, ' MiB')),
            h('td', { 'data-label': 'Tasks' }, String(a.tasks)),
            h('td', { 'data-label': 'Load' }, num(a.load)),
            h('td', { 'data-label': 'Last seen' }, a.lastSeenMs ? `${duration(Date.now() - a.lastSeenMs)} ago` : '—'),
            h('td', { 'data-label': 'Attributes' }, Object.entries(a.attributes || {}).map(([k, v]) => `${k}:${v}`).join(', ') || '—')))))
          : h('p', { class: 'empty' }, 'No agents have registered.'));
      } catch (e) {
        render(data, notice('error', e.message));
      }
    },
  };
}
