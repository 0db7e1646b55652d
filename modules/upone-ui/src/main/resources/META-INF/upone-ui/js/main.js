// The page: a hash router over the views, refreshed when the event stream reports a change.
import { start, onChange } from './live.js';
import { appsView } from './views/apps.js';
import { appView } from './views/app.js';
import { newAppView } from './views/newapp.js';
import { jobsView, jobView, newJobView } from './views/jobs.js';
import { agentsView } from './views/agents.js';
import { clusterView } from './views/cluster.js';

const routes = [
  [/^#\/apps\/new$/, () => newAppView()],
  [/^#\/apps(\/.+)$/, (m) => appView(decodeURIComponent(m[1]))],
  [/^#\/jobs\/new$/, () => newJobView()],
  [/^#\/jobs(\/.+)$/, (m) => jobView(decodeURIComponent(m[1]))],
  [/^#\/jobs$/, () => jobsView()],
  [/^#\/agents$/, () => agentsView()],
  [/^#\/cluster$/, () => clusterView()],
  [/^#\/apps$|^#?\/?$/, () => appsView()],
];

let current = null;

async function route() {
  const hash = location.hash || '#/apps';
  const main = document.getElementById('view');
  for (const [re, make] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    if (current && current.leave) current.leave();
    current = make(m);
    main.replaceChildren(current.el);
    document.querySelectorAll('nav a').forEach((a) => {
      const on = hash.startsWith(`#/${a.dataset.nav}`) || (a.dataset.nav === 'apps' && hash === '#/apps');
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.title = `${current.title} · upone`;
    await current.refresh();
    return;
  }
  location.hash = '#/apps';
}

window.addEventListener('hashchange', () => {
  route();
  document.getElementById('view').focus({ preventScroll: true });
});
// One refresh at a time; events during one ask for another after it. A second, later refresh
// covers a read that raced the event it was asked for (the stream can be a moment ahead of reads).
let running = false;
let again = false;
let settle = null;
async function refreshCurrent() {
  if (!current || current.live === false) return;
  if (running) { again = true; return; }
  running = true;
  try { await current.refresh(); } finally { running = false; }
  if (again) { again = false; refreshCurrent(); }
}
onChange(() => {
  refreshCurrent();
  clearTimeout(settle);
  settle = setTimeout(refreshCurrent, 700);
});
// ages and heartbeats move on without events
setInterval(refreshCurrent, 10000);
start();
route();
