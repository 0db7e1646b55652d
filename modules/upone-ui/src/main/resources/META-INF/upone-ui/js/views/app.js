// One app: its spec, its running deployment, its tasks, why instances are pending, its recent events;
// scale, restart, delete, kill, roll back or promote a deployment.
import { api, idPath, ApiError } from '../api.js';
import { h, render, notice, confirmAction } from '../dom.js';
import { age, num, what, network } from '../format.js';
import { eventsOf, appTimes } from '../live.js';
import { instancesCell } from './apps.js';

function pairs(obj) {
  const keys = Object.keys(obj || {});
  if (!keys.length) return '—';
  return h('ul', { class: 'pairs' }, keys.map((k) => h('li', {}, h('code', {}, k), ' = ', h('code', {}, obj[k]))));
}

function spec(a) {
  const vols = (a.container && a.container.volumes) || [];
  const ports = (a.portDefinitions || []).map((p) => (p.port === 0 ? 'any' : p.port) + (p.name ? ` (${p.name})` : ''))
    .concat(((a.container && a.container.portMappings) || []).map((p) => `${p.hostPort || 'any'}→${p.containerPort}`));
  const t = appTimes(a.id);
  const rows = [
    [a.container && a.container.docker ? 'Image' : 'Command', h('code', {}, what(a))],
    ['Resources', `${num(a.cpus)} CPU · ${num(a.mem)} MiB memory · ${num(a.disk)} MiB disk`],
    ['Instances', instancesCell(a)],
    ['Network', network(a)],
    ['Ports', ports.join(', ') || '—'],
    ['Environment', pairs(a.env)],
    ['Labels', pairs(a.labels)],
    ['Volumes', vols.length ? vols.map((v) => `${v.hostPath || ''}:${v.containerPath} (${v.mode || 'RW'})`).join(', ') : '—'],
    ['Constraints', (a.constraints || []).length ? a.constraints.map((c) => c.join(' ')).join('; ') : '—'],
    ['Health checks', (a.healthChecks || []).length
      ? a.healthChecks.map((c) => `${c.protocol} ${c.path || c.command && c.command.value || ''} every ${c.intervalSeconds}s`).join('; ') : '—'],
    ['Version', `${a.version}${t.updatedAt ? ` · changed ${age(t.updatedAt)} ago` : ''}${t.createdAt ? ` · created ${age(t.createdAt)} ago` : ''}`],
  ];
  return h('dl', { class: 'spec' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function appView(id) {
  const base = `/v1/apps/${idPath(id)}`;
  const msg = h('div', { class: 'messages' });
  const data = h('div', { class: 'data' });
  const scaleInput = h('input', { id: 'scale-to', type: 'number', min: '0', step: '1', inputmode: 'numeric', required: true });
  let app = null;
  let gone = false;

  async function act(what, doIt) {
    try {
      await doIt();
      render(msg, notice('ok', what));
      await refresh();
    } catch (e) {
      render(msg, notice('error', e instanceof ApiError && e.errors.length
        ? `${e.message}: ${e.errors.map((x) => `${x.field} ${x.reason}`).join('; ')}` : e.message));
    }
  }

  const scaleForm = h('form', { class: 'inline', onsubmit: async (e) => {
    e.preventDefault();
    const n = Number(scaleInput.value);
    if (scaleInput.value === '' || !Number.isInteger(n)) { scaleInput.focus(); return; }
    if (!(await confirmAction(`Scale ${id} from ${app.instances} to ${n} instances?`))) return;
    act(`Scaled ${id} to ${n}.`, () => api.put(`${base}/instances`, { instances: n }));
  } }, h('label', { for: 'scale-to' }, 'Instances'), scaleInput, h('button', { type: 'submit' }, 'Scale'));

  const restart = h('button', { type: 'button', onclick: async () => {
    if (!(await confirmAction(`Restart ${id}? Every task is replaced by a deployment.`))) return;
    act(`Restarting ${id}.`, () => api.post(`${base}/restart`, {}));
  } }, 'Restart');

  const del = h('button', { class: 'danger', type: 'button', onclick: async () => {
    if (!(await confirmAction(`Delete ${id}? Its tasks are killed.`))) return;
    try {
      await api.del(base);
      gone = true;
      location.hash = '#/apps';
    } catch (e) {
      render(msg, notice('error', e.message));
    }
  } }, 'Delete app');

  const el = h('section', { 'aria-labelledby': 'app-title' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/apps' }, 'Apps'), ' / '),
    h('div', { class: 'titlebar' }, h('h1', { id: 'app-title' }, id), h('div', { class: 'actions' }, scaleForm, restart, del)),
    msg, data);

  function taskTable(tasks) {
    if (!tasks.length) return h('p', { class: 'empty' }, 'No live tasks.');
    return h('table', { class: 'tasks' }, h('thead', {}, h('tr', {},
      ['Task', 'Host', 'Ports', 'State', 'Health', 'Age', 'Version', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, tasks.map((t) => h('tr', { 'data-task': t.id },
      h('td', { 'data-label': 'Task' }, h('code', {}, t.id)),
      h('td', { 'data-label': 'Host' }, t.host || '—'),
      h('td', { 'data-label': 'Ports' }, (t.ports || []).join(', ') || '—'),
      h('td', { 'data-label': 'State' }, h('span', { class: `state ${t.state}` }, t.state.replace('TASK_', '').toLowerCase()),
        t.killing ? ' (killing)' : '', t.message ? h('small', {}, ` ${t.message}`) : ''),
      h('td', { 'data-label': 'Health' }, t.healthy === undefined ? '—' : t.healthy ? 'healthy' : 'unhealthy'),
      h('td', { 'data-label': 'Age' }, age(t.stagedAt)),
      h('td', { 'data-label': 'Version' }, t.version),
      h('td', {}, h('button', { class: 'small danger', type: 'button', 'aria-label': `Kill task ${t.id}`, onclick: async () => {
        if (!(await confirmAction(`Kill task ${t.id}? The app starts a replacement.`))) return;
        act(`Killing ${t.id}.`, () => api.del(`/v1/tasks/${encodeURIComponent(t.id)}`));
      } }, 'Kill'))))));
  }

  function whyPending(w) {
    if (!w || !(w.pending > 0)) return null;
    const r = w.report;
    const rejected = r ? Object.entries(r.rejected || {}) : [];
    return h('section', { class: 'why', 'aria-labelledby': 'why-title' },
      h('h2', { id: 'why-title' }, `Why ${w.pending} pending`),
      h('p', {}, r ? r.summary : (w.message || 'No placement has considered this app yet.')),
      r && r.error ? h('p', { class: 'notice error' }, r.error) : null,
      rejected.length ? h('ul', { class: 'rejected' }, rejected.map(([f, n]) => h('li', {}, h('code', {}, f), `: ${n} agent${n === 1 ? '' : 's'}`))) : null);
  }

  /** The running deployment: how far it got, and what may be done about it. */
  function deployment(d) {
    if (!d) return null;
    const depBase = `/v1/deployments/${encodeURIComponent(d.id)}`;
    const buttons = [h('button', { class: 'danger', type: 'button', onclick: async () => {
      if (!(await confirmAction(`Roll back deployment ${d.id}? The previous definition is deployed again.`))) return;
      act(`Rolling back ${d.id}.`, () => api.del(depBase));
    } }, 'Roll back')];
    if (d.phase === 'canary_paused') {
      buttons.unshift(h('button', { type: 'button', onclick: async () => {
        if (!(await confirmAction(`Promote deployment ${d.id}? Every task is replaced.`))) return;
        act(`Promoted ${d.id}.`, () => api.post(`${depBase}/promote`, {}));
      } }, 'Promote'));
    }
    return h('section', { class: 'deployment', 'aria-labelledby': 'dep-title' },
      h('h2', { id: 'dep-title' }, `Deploying version ${d.toVersion} (${d.type}, ${d.phase.replace('_', ' ')})`),
      h('p', {}, d.progress ? d.progress.summary : '', d.failures ? ` — ${d.failures} new task(s) failed` : ''),
      h('p', {}, h('small', {}, `${d.reason}; started ${age(d.startedAt)} ago`)),
      h('div', { class: 'actions' }, buttons));
  }

  function events() {
    const list = eventsOf((e) => e.appId === id);
    return h('section', { 'aria-labelledby': 'events-title' }, h('h2', { id: 'events-title' }, 'Recent events'),
      list.length ? h('ol', { class: 'events' }, list.map((e) => h('li', {},
        h('span', { class: 'idx' }, `#${e.index}`), ' ', h('strong', {}, e.kind), ' ', e.detail, ' ',
        h('small', {}, `${age(e.at)} ago`)))) : h('p', { class: 'empty' }, 'None seen since this page opened.'));
  }

  async function refresh() {
    if (gone) return;
    try {
      const [a, t] = await Promise.all([api.get(base), api.get(`${base}/tasks`)]);
      app = a;
      if (document.activeElement !== scaleInput && scaleInput.value === '') scaleInput.placeholder = String(a.instances);
      let w = null;
      if (a.tasksRunning < a.instances) w = await api.get(`${base}/placement`).catch(() => null);
      render(data, spec(a), deployment(a.deployment), whyPending(w), h('h2', {}, 'Tasks'), taskTable(t.tasks), events());
    } catch (e) {
      render(data, notice('error', e.code === 'app_not_found' ? `No app ${id}.` : e.message));
    }
  }

  return { el, title: id, refresh };
}
