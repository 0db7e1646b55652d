// Every app: name, image or command, resources, network, created/updated, running/instances.
import { api } from '../api.js';
import { h, render, notice } from '../dom.js';
import { age, num, what, network, health } from '../format.js';
import { appTimes } from '../live.js';

const COLUMNS = [
  ['id', 'Name', (a) => a.id],
  ['what', 'Image or command', (a) => what(a)],
  ['cpus', 'CPU', (a) => a.cpus],
  ['mem', 'MEM (MiB)', (a) => a.mem],
  ['disk', 'Disk (MiB)', (a) => a.disk],
  ['network', 'Network', (a) => network(a)],
  ['created', 'Created', (a) => -(appTimes(a.id).createdAt || 0)],
  ['updated', 'Updated', (a) => -(appTimes(a.id).updatedAt || 0)],
  ['instances', 'Running', (a) => a.tasksRunning / Math.max(1, a.instances)],
];
const view = { filter: '', sort: 'id', desc: false };

export function instancesCell(a) {
  const state = health(a);
  const words = { ok: 'all running', partial: 'some pending', down: 'none running', idle: 'scaled to 0' }[state];
  return h('span', { class: `instances ${state}`, title: words },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), `${a.tasksRunning}/${a.instances}`,
    h('span', { class: 'sr-only' }, ` (${words})`),
    a.tasksUnhealthy > 0 ? h('span', { class: 'unhealthy' }, ` ${a.tasksUnhealthy} unhealthy`) : null);
}

export function appsView() {
  const body = h('div', { class: 'data' });
  const filter = h('input', { id: 'app-filter', type: 'search', placeholder: 'name, command, image…', value: view.filter,
    oninput: (e) => { view.filter = e.target.value; show(); } });
  let apps = [];
  const el = h('section', { 'aria-labelledby': 'apps-title' },
    h('div', { class: 'titlebar' }, h('h1', { id: 'apps-title' }, 'Apps'),
      h('a', { class: 'button', href: '#/apps/new' }, 'New app')),
    h('div', { class: 'controls' }, h('label', { for: 'app-filter' }, 'Filter'), filter),
    body);

  function header() {
    return h('tr', {}, COLUMNS.map(([key, label]) => {
      const sorted = view.sort === key;
      return h('th', { scope: 'col', 'aria-sort': sorted ? (view.desc ? 'descending' : 'ascending') : 'none' },
        h('button', { class: 'sort', id: `sort-${key}`, onclick: () => { view.desc = sorted ? !view.desc : false; view.sort = key; show(); } },
          label, sorted ? (view.desc ? ' ▼' : ' ▲') : ''));
    }));
  }

  function show() {
    const q = view.filter.trim().toLowerCase();
    const key = COLUMNS.find((c) => c[0] === view.sort)[2];
    const rows = apps.filter((a) => !q || a.id.toLowerCase().includes(q) || what(a).toLowerCase().includes(q))
      .sort((x, y) => {
        const a = key(x), b = key(y);
        const c = typeof a === 'number' ? a - b : String(a).localeCompare(String(b));
        return view.desc ? -c : c;
      });
    const table = h('table', { class: 'apps' }, h('caption', { class: 'sr-only' }, 'Apps, sortable by each column'),
      h('thead', {}, header()),
      h('tbody', {}, rows.map((a) => {
        const t = appTimes(a.id);
        return h('tr', { 'data-app': a.id },
          h('td', { 'data-label': 'Name' }, h('a', { href: `#/apps${a.id}` }, a.id)),
          h('td', { 'data-label': 'Image or command', class: 'cmd' }, what(a)),
          h('td', { 'data-label': 'CPU', class: 'num' }, num(a.cpus)),
          h('td', { 'data-label': 'MEM', class: 'num' }, num(a.mem)),
          h('td', { 'data-label': 'Disk', class: 'num' }, num(a.disk)),
          h('td', { 'data-label': 'Network' }, network(a)),
          h('td', { 'data-label': 'Created' }, t.createdAt ? `${age(t.createdAt)} ago` : '—'),
          h('td', { 'data-label': 'Updated' }, t.updatedAt ? `${age(t.updatedAt)} ago` : '—'),
          h('td', { 'data-label': 'Running' }, instancesCell(a)));
      })));
    render(body, rows.length ? table : h('p', { class: 'empty' }, apps.length ? 'No app matches the filter.' : 'No apps yet.'),
      h('p', { class: 'count' }, `${rows.length} of ${apps.length} apps`));
  }

  return {
    el, title: 'Apps',
    async refresh() {
      try {
        apps = (await api.get('/v1/apps')).apps;
        show();
      } catch (e) {
        render(body, notice('error', e.message));
      }
    },
  };
}
