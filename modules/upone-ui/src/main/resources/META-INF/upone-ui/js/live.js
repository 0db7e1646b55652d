// The event stream (SSE, GET /v1/events?from=N): keeps the index of the last event seen, when each
// app was created and last changed, and the recent events; tells the views when something changed.
// On an error (the node restarted, a leader change broke the stream) it reconnects from the next
// index, so no event is missed or seen twice.

import { api, authHeaders, token } from './api.js';

const KINDS = ['AppCreated', 'AppUpdated', 'AppScaled', 'AppDeleted', 'TaskLaunched', 'TaskStatusChanged',
  'FrameworkRegistered', 'JobCreated', 'JobUpdated', 'JobDeleted', 'JobRunFired', 'JobRunMissed', 'JobRunFinished'];
const HISTORY = 2000;   // events replayed when the page opens: enough for created/updated times of a demo
const KEEP = 1000;      // recent events kept in memory for the app pages

const state = {
  lastIndex: 0,
  apps: new Map(),      // appId -> {createdAt, updatedAt} (ms), from the events seen
  taskApp: new Map(),   // taskId -> appId
  events: [],           // {index, kind, at, appId, jobId, detail}
  status: 'connecting',
};
const listeners = new Set();
let source = null;
let retryMs = 500;
let notifyTimer = null;

export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function appTimes(appId) {
  return state.apps.get(appId) || {};
}

export function eventsOf(pred) {
  return state.events.filter(pred).slice(-20).reverse();
}

export function status() {
  return state.status;
}

export function lastIndex() {
  return state.lastIndex;
}

function setStatus(s) {
  state.status = s;
  const el = document.getElementById('live');
  if (el) {
    el.textContent = s === 'live' ? `live · event ${state.lastIndex}` : s;
    el.dataset.state = s;
  }
}

function notify() {
  if (notifyTimer) return;
  // many events arrive together (a replay, a scale of 100): one refresh for the lot
  notifyTimer = setTimeout(() => {
    notifyTimer = null;
    setStatus(state.status);
    listeners.forEach((fn) => fn());
  }, 150);
}

function kindOf(e) {
  for (const k of Object.keys(e)) {
    if (!['index', 'term', 'timestampMs', 'entryIndex'].includes(k)) return k;
  }
  return '?';
}

function apply(e) {
  const index = Number(e.index);
  if (index <= state.lastIndex) return;    // a replay overlapping what was seen
  state.lastIndex = index;
  const at = Number(e.timestampMs);
  const kind = kindOf(e);
  const p = e[kind] || {};
  let appId = p.appId || (p.spec && kind.startsWith('app') ? p.spec.id : undefined);
  const jobId = p.jobId || (p.spec && kind.startsWith('job') ? p.spec.id : undefined);
  if (kind === 'taskLaunched') state.taskApp.set(p.taskId, p.appId);
  if (!appId && p.taskId) appId = state.taskApp.get(p.taskId);
  if (kind === 'appCreated') state.apps.set(appId, { createdAt: at, updatedAt: at });
  if (kind === 'appUpdated' || kind === 'appScaled') {
    const t = state.apps.get(appId) || {};
    state.apps.set(appId, { createdAt: t.createdAt, updatedAt: at });
  }
  if (kind === 'appDeleted') state.apps.delete(appId);
  let detail = '';
  if (kind === 'taskStatusChanged') detail = `${p.taskId} ${String(p.state || '').replace('TASK_', '')} ${p.message || ''}`;
  else if (kind === 'appScaled') detail = `to ${p.instances}`;
  else if (kind === 'taskLaunched') detail = `${p.taskId} on ${p.hostname || p.agentId || ''}`;
  else if (kind === 'jobRunFinished') detail = `${p.runId} ${String(p.state || '').replace('RUN_', '')} exit ${p.exitCode}`;
  else if (kind === 'jobRunFired') detail = `${p.runId}${p.manual ? ' (run now)' : ''}`;
  state.events.push({ index, kind: kind[0].toUpperCase() + kind.slice(1), at, appId, jobId, detail: detail.trim() });
  if (state.events.length > KEEP) state.events.splice(0, state.events.length - KEEP);
  notify();
}

// EventSource cannot send a token: with one, the stream is read as NDJSON through fetch instead.
async function connectWithToken(from) {
  const ctl = new AbortController();
  source = { close: () => ctl.abort() };
  try {
    const res = await fetch(`/v1/events?from=${from}`, { headers: { Accept: 'application/x-ndjson', ...authHeaders() },
      signal: ctl.signal });
    if (!res.ok) throw new Error(`status ${res.status}`);
    retryMs = 500;
    setStatus('live');
    const reader = res.body.getReader();
    const text = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += text.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try { if (line.trim()) apply(JSON.parse(line)); } catch { /* not an event: skip it */ }
      }
    }
  } catch { /* reconnect below */ }
  setStatus('reconnecting…');
  setTimeout(() => connect(state.lastIndex + 1), retryMs);
  retryMs = Math.min(retryMs * 2, 5000);
  notify();
}

function connect(from) {
  if (token()) {
    connectWithToken(from);
    return;
  }
  source = new EventSource(`/v1/events?from=${from}`);
  source.onopen = () => {
    retryMs = 500;
    setStatus('live');
  };
  const handler = (m) => {
    try { apply(JSON.parse(m.data)); } catch { /* a line that is not an event: skip it */ }
  };
  KINDS.forEach((k) => source.addEventListener(k, handler));
  source.onmessage = handler;
  source.onerror = () => {
    // EventSource would retry with the old ?from=; reconnect ourselves from the next index
    source.close();
    setStatus('reconnecting…');
    setTimeout(() => connect(state.lastIndex + 1), retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
    notify();
  };
}

export async function start() {
  let last = 0;
  try {
    const c = await api.get('/v1/cluster'); // asks for a token if the API wants one
    last = Number(c.lastEventIndex) || 0;
  } catch { /* the stream's retries will find the server */ }
  state.lastIndex = Math.max(0, last - HISTORY);
  connect(state.lastIndex + 1);
}
