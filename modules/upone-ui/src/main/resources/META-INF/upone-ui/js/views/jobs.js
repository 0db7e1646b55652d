// Cron jobs: the schedule in words, next fire, last runs with state and duration; run now,
// suspend/resume, delete; create from JSON.
import { api, idPath, ApiError } from '../api.js';
import { h, render, notice, confirmAction } from '../dom.js';
import { age, until, duration, scheduleInWords, num } from '../format.js';
import { showErrors, clearErrors } from './form.js';

function took(r) {
  if (!r.startedAt) return '—';
  return duration((r.endedAt ? Date.parse(r.endedAt) : Date.now()) - Date.parse(r.startedAt));
}

function runState(r) {
  return h('span', { class: `run ${r.state}` }, r.state.toLowerCase());
}

export function jobsView() {
  const data = h('div', { class: 'data' });
  const el = h('section', { 'aria-labelledby': 'jobs-title' },
    h('div', { class: 'titlebar' }, h('h1', { id: 'jobs-title' }, 'Jobs'), h('a', { class: 'button', href: '#/jobs/new' }, 'New job')),
    data);
  return {
    el, title: 'Jobs',
    async refresh() {
      try {
        const jobs = (await api.get('/v1/jobs')).jobs;
        render(data, jobs.length ? h('table', { class: 'jobs' },
          h('thead', {}, h('tr', {}, ['Job', 'Schedule', 'State', 'Next run', 'Last run'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, jobs.map((j) => {
            const s = j.status || {};
            const last = s.lastRun;
            return h('tr', { 'data-job': j.id },
              h('td', { 'data-label': 'Job' }, h('a', { href: `#/jobs${j.id}` }, j.id)),
              h('td', { 'data-label': 'Schedule' }, scheduleInWords(j.schedule), h('br'), h('small', {}, h('code', {}, j.schedule), ` ${j.timezone || 'UTC'}`)),
              h('td', { 'data-label': 'State' }, s.state || '—'),
              h('td', { 'data-label': 'Next run' }, until(s.nextRunAt)),
              h('td', { 'data-label': 'Last run' }, last ? [runState(last), ` ${age(last.scheduledAt)} ago, took ${took(last)}`] : '—'));
          }))) : h('p', { class: 'empty' }, 'No jobs yet.'));
      } catch (e) {
        render(data, notice('error', e.message));
      }
    },
  };
}

export function jobView(id) {
  const base = `/v1/jobs/${idPath(id)}`;
  const msg = h('div', { class: 'messages' });
  const data = h('div', { class: 'data' });
  const actions = h('div', { class: 'actions' });
  let gone = false;

  async function act(text, ask, doIt) {
    if (ask && !(await confirmAction(ask))) return;
    try {
      await doIt();
      render(msg, notice('ok', text));
      await refresh();
    } catch (e) {
      render(msg, notice('error', e.message));
    }
  }

  function runs(list, empty) {
    if (!list.length) return h('p', { class: 'empty' }, empty);
    return h('table', { class: 'runs' }, h('thead', {}, h('tr', {},
      ['Run', 'Scheduled', 'State', 'Took', 'Exit', 'Attempts', 'Message'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((r) => h('tr', { 'data-run': r.runId },
      h('td', { 'data-label': 'Run' }, h('code', {}, r.runId), r.manual ? ' (run now)' : ''),
      h('td', { 'data-label': 'Scheduled' }, `${age(r.scheduledAt)} ago`),
      h('td', { 'data-label': 'State' }, runState(r)),
      h('td', { 'data-label': 'Took' }, took(r)),
      h('td', { 'data-label': 'Exit' }, r.endedAt ? String(r.exitCode) : '—'),
      h('td', { 'data-label': 'Attempts' }, String(r.attempts)),
      h('td', { 'data-label': 'Message' }, r.message || '')))));
  }

  async function refresh() {
    if (gone) return;
    try {
      const [j, r] = await Promise.all([api.get(base), api.get(`${base}/runs`)]);
      const s = j.status || {};
      render(actions,
        h('button', { type: 'button', onclick: () => act(`Started a run of ${id}.`, null, () => api.post(`${base}/runs`)) }, 'Run now'),
        j.suspended
          ? h('button', { type: 'button', onclick: () => act(`Resumed ${id}.`, null, () => api.post(`${base}/resume`)) }, 'Resume')
          : h('button', { type: 'button', class: 'secondary', onclick: () => act(`Suspended ${id}.`, `Suspend ${id}? No new runs are planned until it is resumed.`, () => api.post(`${base}/suspend`)) }, 'Suspend'),
        h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!(await confirmAction(`Delete job ${id}? Its running tasks are killed.`))) return;
          try { await api.del(base); gone = true; location.hash = '#/jobs'; } catch (e) { render(msg, notice('error', e.message)); }
        } }, 'Delete job'));
      render(data,
        h('dl', { class: 'spec' },
          h('dt', {}, 'Schedule'), h('dd', {}, `${scheduleInWords(j.schedule)} (`, h('code', {}, j.schedule), `, ${j.timezone || 'UTC'})`),
          h('dt', {}, 'Command'), h('dd', {}, h('code', {}, j.cmd || (j.args || []).join(' ') || j.image || '')),
          h('dt', {}, 'Resources'), h('dd', {}, `${num(j.cpus)} CPU · ${num(j.mem)} MiB`),
          h('dt', {}, 'State'), h('dd', {}, s.state || '—'),
          h('dt', {}, 'Next run'), h('dd', {}, s.nextRunAt ? `${until(s.nextRunAt)} (${new Date(s.nextRunAt).toLocaleString()})` : '—'),
          h('dt', {}, 'Policies'), h('dd', {}, `concurrency ${j.concurrencyPolicy || '—'}, missed runs ${j.missedRunPolicy || '—'}`)),
        h('h2', {}, 'Active runs'), runs(r.active || [], 'None running.'),
        h('h2', {}, 'Last runs'), runs(r.history || [], 'No runs yet.'));
    } catch (e) {
      render(data, notice('error', e.message));
    }
  }

  const el = h('section', { 'aria-labelledby': 'job-title' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / '),
    h('div', { class: 'titlebar' }, h('h1', { id: 'job-title' }, id), actions), msg, data);
  return { el, title: id, refresh };
}

const JOB_TEMPLATE = `{
  "id": "/demo/tick",
  "schedule": "*/5 * * * * ?",
  "cmd": "date",
  "cpus": 0.05,
  "mem": 16
}`;

export function newJobView() {
  const general = h('div', { class: 'messages', tabindex: '-1' });
  const json = h('textarea', { id: 'f-job', name: 'job', rows: '12', spellcheck: 'false', 'data-field': 'id|schedule|timezone|cmd|args|image|cpus|mem|disk|env|labels|constraints|concurrencyPolicy|startingDeadlineSeconds|missedRunPolicy|retries|retryBackoffSeconds|runTimeoutSeconds|historyLimit|$',
    'aria-describedby': 'err-job' }, JOB_TEMPLATE);
  const form = h('form', { class: 'create', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form, general);
    try {
      const j = await api.post('/v1/jobs', json.value);
      location.hash = `#/jobs${j.id}`;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      showErrors(form, general, err);
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'f-job' }, 'Job definition (JSON)'), json,
    h('small', { class: 'hint' }, 'schedule: crontab (5 fields), a macro such as @daily, or Quartz with seconds; timezone: an IANA zone'),
    h('p', { id: 'err-job', class: 'field-error', 'aria-live': 'polite' })),
  h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Create job')));
  const el = h('section', { 'aria-labelledby': 'newjob-title' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / '),
    h('h1', { id: 'newjob-title' }, 'New job'), general, form);
  return { el, title: 'New job', live: false, refresh: async () => {} };
}
