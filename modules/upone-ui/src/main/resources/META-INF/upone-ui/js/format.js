// Values as a person reads them: ages, durations, resources, cron schedules in words.

export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return m < 10 && s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isNaN(t) ? '—' : duration(now - t);
}

export function until(iso, now = Date.now()) {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return t <= now ? 'now' : `in ${duration(t - now)}`;
}

export function num(n) {
  if (n === undefined || n === null) return '—';
  return String(Math.round(n * 100) / 100);
}

export function what(app) {
  const image = app.container && app.container.docker && app.container.docker.image;
  if (image) return image;
  if (app.cmd) return app.cmd;
  return (app.args || []).join(' ');
}

export function network(app) {
  return (app.networks && app.networks[0] && app.networks[0].mode) || 'host';
}

/** ok (all running), partial, down (none running), idle (0 wanted). */
export function health(app) {
  if (app.instances === 0) return 'idle';
  if (app.tasksUnhealthy > 0) return 'down';
  if (app.tasksRunning >= app.instances) return 'ok';
  return app.tasksRunning > 0 || app.tasksStaged > 0 ? 'partial' : 'down';
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The common shapes of a schedule in words; anything else is shown as written. */
export function scheduleInWords(s) {
  const macros = { '@yearly': 'once a year', '@annually': 'once a year', '@monthly': 'once a month',
    '@weekly': 'once a week', '@daily': 'every day at midnight', '@midnight': 'every day at midnight', '@hourly': 'every hour' };
  if (macros[s]) return macros[s];
  let f = s.trim().split(/\s+/);
  let sec = null;
  if (f.length >= 6) { sec = f[0]; f = f.slice(1, 6).map((x) => (x === '?' ? '*' : x)); }
  if (f.length !== 5) return s;
  const [min, hour, dom, mon, dow] = f;
  const every = (x) => x.match(/^\*\/(\d+)$/);
  if (sec && every(sec) && [min, hour, dom, mon, dow].every((x) => x === '*')) return `every ${every(sec)[1]} seconds`;
  if (sec === '*' && [min, hour, dom, mon, dow].every((x) => x === '*')) return 'every second';
  if (sec !== null && sec !== '0') return s;
  if (min === '*' && [hour, dom, mon, dow].every((x) => x === '*')) return 'every minute';
  if (every(min) && [hour, dom, mon, dow].every((x) => x === '*')) return `every ${every(min)[1]} minutes`;
  if (/^\d+$/.test(min) && hour === '*' && [dom, mon, dow].every((x) => x === '*')) return `every hour at minute ${min}`;
  if (/^\d+$/.test(min) && /^\d+$/.test(hour) && mon === '*') {
    const at = `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    if (dom === '*' && dow === '*') return `every day at ${at}`;
    if (dom === '*' && /^[0-6]$/.test(dow)) return `every ${DAYS[Number(dow)]} at ${at}`;
    if (dom === '*' && dow === '1-5') return `weekdays at ${at}`;
    if (/^\d+$/.test(dom) && dow === '*') return `day ${dom} of every month at ${at}`;
  }
  return s;
}
