// The upone SockJS event bus bridge from Node, through the npm clients a monitoring tool would use:
// @vertx/eventbus-bridge-client.js over sockjs-client. Driven by BridgeNodeTest (Java), which starts a
// real node, writes events and talks to this script over stdin/stdout, one line per step:
//   BRIDGE_MAX_FRAME=<bridge-max-frame-bytes> node bridge.test.mjs <http url>/eventbus <token> <from index>
//   -> "REPLAYING <n>"      once the first replayed event arrived (the test then writes live events)
//   <- "LAST <index>"       the last index the test wrote
//   -> "LIVE-READY"         once a live registration on upone.events.app is in place
//   <- "APP <id>"           the test created that app
//   -> "PASS ..." and exit 0, or "FAIL ..." and exit 1
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [url, token, fromArg] = process.argv.slice(2);
const from = Number(fromArg);
const lines = createInterface({ input: process.stdin });
const waiting = [];
lines.on('line', (l) => { const w = waiting.shift(); if (w) w(l.trim()); });
const nextLine = () => new Promise((resolve) => waiting.push(resolve));

function fail(why) {
  console.log('FAIL ' + why);
  process.exit(1);
}
const deadline = setTimeout(() => fail('timed out'), 120_000);

function check(cond, why) { if (!cond) fail(why); }

const eb = new EventBus(url, { vertxbus_ping_interval: 2000 });
// errors without an address (refused sends and publishes, vertx-web's own "rejected") land here
const errors = [];
let errorWaiter = null;
eb.onerror = (err) => {
  errors.push(err);
  if (errorWaiter) errorWaiter();
};
const nextError = (code) => nextErrorWhere((e) => e.code === code);
const nextErrorWhere = (match) => new Promise((resolve) => {
  const look = () => {
    const i = errors.findIndex(match);
    if (i >= 0) { const e = errors.splice(i, 1)[0]; errorWaiter = null; resolve(e); } else { errorWaiter = look; }
  };
  look();
});

eb.onopen = async () => {
  try {
    // 1. replay from an index, then live: every event once, in order
    const replay = 'upone.events.replay.node-' + Math.random().toString(16).slice(2);
    const got = [];
    let wanted = Infinity;
    let doneReplay;
    const replayDone = new Promise((r) => { doneReplay = r; });
    eb.registerHandler(replay, { token, from: String(from) }, (err, msg) => {
      if (err) fail('replay error ' + JSON.stringify(err));
      got.push(Number(msg.body.index));
      if (got.length === 1) console.log('REPLAYING ' + got.length);
      if (got[got.length - 1] >= wanted) doneReplay();
    });
    const last = await nextLine();
    check(last.startsWith('LAST '), 'expected LAST, got ' + last);
    wanted = Number(last.slice(5));
    if (got.length > 0 && got[got.length - 1] >= wanted) doneReplay();
    await replayDone;
    for (let i = 0; i < got.length; i++) check(got[i] === from + i, `index ${got[i]} at position ${i}, from ${from}`);
    check(got.length === wanted - from + 1, `counted ${got.length}, expected ${wanted - from + 1}`);

    // 2. inbound is refused, with a clear error
    eb.send('upone.test.inbound', { x: 1 });
    const sent = await nextError('outbound_only');
    check(/outbound only/.test(sent.message), 'send refusal says why: ' + JSON.stringify(sent));
    eb.publish('upone.events.app', { x: 1 });
    await nextError('outbound_only');

    // 3. a register elsewhere, or without the token, is refused to its handler
    const refusedTo = (address, headers) => new Promise((resolve) => {
      eb.registerHandler(address, headers, (err) => resolve(err));
    });
    const foreign = await refusedTo('upone.driver.commands', { token });
    check(foreign && foreign.failureType === 'address_not_permitted', 'foreign register: ' + JSON.stringify(foreign));
    const noToken = await refusedTo('upone.events.job', {});
    check(noToken && noToken.failureType === 'token_refused', 'register without token: ' + JSON.stringify(noToken));

    // 3b. bad frames: not JSON (vertx-web's answer), over bridge-max-frame-bytes (upone's), and the socket stays
    eb.sockJSConn.send('this is not json');
    await nextErrorWhere((e) => e.body === 'invalid_json');
    const big = await refusedTo('upone.events.task', { token, pad: 'x'.repeat(Number(process.env.BRIDGE_MAX_FRAME) + 100) });
    check(big && big.failureType === 'frame_too_large', 'oversized frame: ' + JSON.stringify(big));

    // 4. a live registration receives new events; a refused send after it marks that it is in place
    let liveResolve;
    const live = new Promise((r) => { liveResolve = r; });
    eb.registerHandler('upone.events.app', { token }, (err, msg) => {
      if (!err && msg.body.type === 'AppCreated') liveResolve(msg.body.appCreated.spec.id);
    });
    eb.send('upone.test.inbound', {});
    await nextError('outbound_only');
    console.log('LIVE-READY');
    const app = await nextLine();
    check(app.startsWith('APP '), 'expected APP, got ' + app);
    const id = await live;
    check(id === app.slice(4), `live AppCreated ${id}, expected ${app.slice(4)}`);

    clearTimeout(deadline);
    console.log(`TRANSPORT ${eb.sockJSConn.transport}`);
    console.log(`PASS replayed+live ${got.length} events from ${from}, refusals clear, bad frames refused, live AppCreated ${id}`);
    eb.enableReconnect(false);
    eb.close();
    process.exit(0);
  } catch (e) {
    fail(e.stack || String(e));
  }
};
