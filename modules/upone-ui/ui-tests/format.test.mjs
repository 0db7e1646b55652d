// The UI's pure formatting, run by node's test runner (no browser): node --test format.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, scheduleInWords, health, num, what } from '../src/main/resources/META-INF/upone-ui/js/format.js';

test('durations read like a person says them', () => {
  assert.equal(duration(0), '0s');
  assert.equal(duration(90_000), '1m30s');
  assert.equal(duration(12 * 60_000 + 5_000), '12m');
  assert.equal(duration(184 * 60_000), '3h4m');
  assert.equal(duration(51 * 3_600_000), '2d3h');
  assert.equal(duration(-5_000), '0s');
});

test('schedules in words, and as written when there are no simple words', () => {
  assert.equal(scheduleInWords('30 2 * * *'), 'every day at 02:30');
  assert.equal(scheduleInWords('*/5 * * * * ?'), 'every 5 seconds');
  assert.equal(scheduleInWords('*/15 * * * *'), 'every 15 minutes');
  assert.equal(scheduleInWords('0 9 * * 1-5'), 'weekdays at 09:00');
  assert.equal(scheduleInWords('0 18 * * 5'), 'every Friday at 18:00');
  assert.equal(scheduleInWords('0 0 1 * *'), 'day 1 of every month at 00:00');
  assert.equal(scheduleInWords('@hourly'), 'every hour');
  assert.equal(scheduleInWords('0 0/2 8-17 ? * MON-FRI'), '0 0/2 8-17 ? * MON-FRI');
});

test('health colour of running/instances', () => {
  const app = (running, instances, extra = {}) => ({ tasksRunning: running, instances, tasksStaged: 0, tasksUnhealthy: 0, ...extra });
  assert.equal(health(app(3, 3)), 'ok');
  assert.equal(health(app(1, 3)), 'partial');
  assert.equal(health(app(0, 3, { tasksStaged: 1 })), 'partial');
  assert.equal(health(app(0, 2)), 'down');
  assert.equal(health(app(3, 3, { tasksUnhealthy: 1 })), 'down');
  assert.equal(health(app(0, 0)), 'idle');
});

test('numbers and what runs', () => {
  assert.equal(num(0.30000000000000004), '0.3');
  assert.equal(num(64), '64');
  assert.equal(what({ container: { docker: { image: 'nginx:1' } }, cmd: 'x' }), 'nginx:1');
  assert.equal(what({ args: ['a', 'b'] }), 'a b');
});
