// The UI as a person uses it, in Debian's Chromium driven by playwright-core:
//   node scenario.mjs BASE_URL OUT_DIR MARKER
// Creates an app from the form and watches it reach 3/3 live, scales it to 1, sees why an
// impossible app is pending, runs a job now and sees its run, deletes; a bad field shows the
// API's message next to it; the page reconnects after the node restarts (the test driving this
// script restarts it when it prints RESTART and answers on stdin). Screenshots go to OUT_DIR.
// Every wait is for something on the page, never for a fixed time.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [base, out, marker] = process.argv.slice(2);
if (!base || !out || !marker) {
  console.error('usage: node scenario.mjs BASE_URL OUT_DIR MARKER');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const WAIT = 30_000;
const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(WAIT);
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));

let step = 'start';
const t0 = Date.now();
const begin = (name) => { step = name; console.log(`step ${((Date.now() - t0) / 1000).toFixed(1)}s ${name}`); };
const shot = (name) => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
function check(cond, what) {
  if (!cond) throw new Error(`${step}: ${what}`);
}
async function confirm() {
  await page.locator('dialog#confirm[open]').waitFor();
  await page.locator('#confirm-ok').click();
  await page.locator('dialog#confirm[open]').waitFor({ state: 'detached' }).catch(() => {});
}

try {
  begin('open');
  await page.goto(`${base}/`);
  await page.locator('#live[data-state="live"]').waitFor();
  await page.getByRole('heading', { name: 'Apps' }).waitFor();

  begin('create from the form');
  await page.getByRole('link', { name: 'New app' }).click();
  await page.getByLabel('App id').fill('/ui/web');
  await page.getByLabel('Command').fill(`sleep 600; true # ${marker}`);
  await page.getByLabel('CPU', { exact: true }).fill('0.1');
  await page.getByLabel('Memory (MiB)').fill('16');
  await page.getByLabel('Instances').fill('3');
  await page.getByRole('button', { name: 'Create app' }).click();
  await page.waitForURL(/#\/apps\/ui\/web$/);
  await page.getByRole('heading', { name: '/ui/web' }).waitFor();

  begin('watch it reach 3/3 live');
  await page.locator('dd .instances.ok', { hasText: '3/3' }).waitFor();
  await page.locator('tr[data-task] .state.TASK_RUNNING').nth(2).waitFor();
  check(await page.locator('tr[data-task]').count() === 3, 'three task rows');
  await shot('app-3-of-3');

  begin('kill a task: a replacement takes its place');
  const victim = await page.locator('tr[data-task]').first().getAttribute('data-task');
  await page.getByRole('button', { name: `Kill task ${victim}` }).click();
  await confirm();
  await page.locator(`tr[data-task="${victim}"]`).waitFor({ state: 'detached' });
  await page.locator('dd .instances.ok', { hasText: '3/3' }).waitFor();
  await page.locator('tr[data-task] .state.TASK_RUNNING').nth(2).waitFor();

  begin('apps list');
  await page.locator('nav').getByRole('link', { name: 'Apps' }).click();
  const row = page.locator('tr[data-app="/ui/web"]');
  await row.locator('.instances.ok', { hasText: '3/3' }).waitFor();
  check((await row.locator('td').nth(5).innerText()).trim() === 'host', 'network mode host');
  check(/ago/.test(await row.locator('td').nth(6).innerText()), 'created time shown');
  await shot('apps-list');

  begin('filter and sort with the keyboard');
  await page.getByLabel('Filter').fill('nothing-like-this');
  await page.getByText('No app matches the filter.').waitFor();
  await page.getByLabel('Filter').fill('ui/web');
  await row.waitFor();
  await page.getByRole('button', { name: /^CPU/ }).focus();
  await page.keyboard.press('Enter');
  await page.locator('th[aria-sort="ascending"]', { hasText: 'CPU' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('th[aria-sort="descending"]', { hasText: 'CPU' }).waitFor();
  await page.getByLabel('Filter').fill('');

  begin('a bad field shows the API message next to it');
  await page.getByRole('link', { name: 'New app' }).click();
  await page.getByLabel('App id').fill('/ui/Bad');
  await page.getByLabel('Command').fill('true');
  await page.getByLabel('CPU', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Create app' }).click();
  await page.locator('#err-cpus', { hasText: 'must be greater than 0' }).waitFor();
  await page.locator('#err-id:not(:empty)').waitFor();
  check(await page.getByLabel('CPU', { exact: true }).getAttribute('aria-invalid') === 'true', 'cpus marked invalid');
  check(await page.getByLabel('Memory (MiB)').getAttribute('aria-invalid') === null, 'mem not marked');
  await shot('form-field-errors');

  begin('scale to 1');
  await page.goto(`${base}/#/apps/ui/web`);
  await page.locator('dd .instances.ok', { hasText: '3/3' }).waitFor();
  await page.getByLabel('Instances').fill('1');
  await page.getByRole('button', { name: 'Scale' }).click();
  await confirm();
  await page.locator('dd .instances.ok', { hasText: '1/1' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('tr[data-task]').length === 1);
  await page.locator('ol.events li', { hasText: 'AppScaled' }).waitFor();
  await shot('app-scaled-to-1');

  begin('why an impossible app is pending');
  await page.goto(`${base}/#/apps/new`);
  await page.getByRole('tab', { name: 'JSON' }).click();
  await page.getByLabel('App definition (Marathon JSON)').fill(JSON.stringify({
    id: '/ui/far', cmd: `sleep 600; true # ${marker}`, cpus: 0.1, mem: 16, instances: 2, constraints: [['rack', 'IS', 'z']],
  }, null, 2));
  await page.getByRole('button', { name: 'Create app' }).click();
  await page.waitForURL(/#\/apps\/ui\/far$/);
  await page.locator('.why', { hasText: 'IS(rack:z)' }).waitFor();
  await page.locator('dd .instances.down', { hasText: '0/2' }).waitFor();
  await shot('app-why-pending');

  begin('run a job now and see its run');
  await page.locator('nav').getByRole('link', { name: 'Jobs' }).click();
  await page.getByRole('link', { name: 'New job' }).click();
  await page.getByLabel('Job definition (JSON)').fill(JSON.stringify({
    id: '/ui/nightly', schedule: '30 2 * * *', timezone: 'Europe/Berlin', cmd: `echo ran # ${marker}`, cpus: 0.1, mem: 16,
  }, null, 2));
  await page.getByRole('button', { name: 'Create job' }).click();
  await page.waitForURL(/#\/jobs\/ui\/nightly$/);
  await page.getByText('every day at 02:30').waitFor();
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.locator('tr[data-run] .run.FINISHED').waitFor();
  await shot('job-run-finished');
  await page.getByRole('button', { name: 'Suspend' }).click();
  await confirm();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Suspend' }).waitFor();
  await page.locator('nav').getByRole('link', { name: 'Jobs' }).click();
  await page.locator('tr[data-job="/ui/nightly"] .run.FINISHED').waitFor();
  await shot('jobs-list');

  begin('agents and cluster');
  await page.locator('nav').getByRole('link', { name: 'Agents' }).click();
  await page.locator('tr[data-agent]').first().waitFor();
  await shot('agents');
  await page.locator('nav').getByRole('link', { name: 'Cluster' }).click();
  await page.locator('table.members tr.leader').waitFor();
  await shot('cluster');

  begin('phone width');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('nav').getByRole('link', { name: 'Apps' }).click();
  await page.locator('tr[data-app="/ui/web"]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no sideways scrolling at 390 px (overflow ${overflow} px)`);
  await shot('apps-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  begin('reconnects after the node restarts');
  const before = Number((await page.locator('#live').innerText()).replace(/\D+/g, ''));
  console.log('RESTART');
  await lines.next();                      // the test restarted the node
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 60_000 });
  const resp = await page.request.put(`${base}/v1/apps/ui/far/instances`, { data: { instances: 1 } });
  check(resp.ok(), `scale after restart: ${resp.status()}`);
  await page.waitForFunction((n) => Number(document.getElementById('live').textContent.replace(/\D+/g, '')) > n, before);
  await page.locator('tr[data-app="/ui/far"] .instances', { hasText: '0/1' }).waitFor();

  begin('delete');
  for (const id of ['/ui/web', '/ui/far']) {
    await page.goto(`${base}/#/apps${id}`);
    await page.getByRole('button', { name: 'Delete app' }).click();
    await confirm();
    await page.waitForURL(/#\/apps$/);
    await page.locator(`tr[data-app="${id}"]`).waitFor({ state: 'detached' });
  }
  await page.getByText('No apps yet.').waitFor();
  await shot('apps-deleted');

  check(consoleErrors.filter((e) => !/Failed to load resource|EventSource|ERR_/.test(e)).length === 0,
    `no script errors: ${consoleErrors.join(' | ')}`);
  console.log('PASS ui scenario');
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`FAIL at "${step}": ${e.message}`);
  if (consoleErrors.length) console.error(`page errors: ${consoleErrors.join(" | ")}`);
  await shot('failure').catch(() => {});
  await browser.close();
  process.exit(1);
}
