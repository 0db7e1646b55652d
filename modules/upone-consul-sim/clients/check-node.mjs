// Drives a Consul HTTP API (the fake, or a real agent) with the npm `consul` client and compares
// the answers' shapes with HashiCorp's consul-api-double fixtures. Usage: node check-node.mjs URL
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
import Consul from "consul";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const url = new URL(process.argv[2] || "http://127.0.0.1:8500");
const consul = new Consul({ host: url.hostname, port: Number(url.port) });
const run = `n${process.pid}`;
let passed = 0, failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAILED - ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

// ---- consul-api-double fixtures: JS template files rendered with a stand-in for faker ----------
const require = createRequire(import.meta.url);
const doubleDir = path.dirname(require.resolve("@hashicorp/consul-api-double/package.json"));

function fakeProxy(names = []) {
  return new Proxy(function () {}, {
    get: (t, k) => fakeProxy([...names, String(k)]),
    apply: (t, self, args) => {
      const n = names.join(".");
      if (n === "helpers.randomize") return args[0][0];
      if (n === "random.number") return typeof args[0] === "object" ? (args[0].min ?? 0) + 1 : 1;
      if (n === "random.boolean") return true;
      if (n.startsWith("internet.ip")) return "10.0.0.1";
      return "x" + n.replace(/\W/g, "");
    },
  });
}

function fixture(rel, pathname) {
  const text = readFileSync(path.join(doubleDir, rel), "utf8");
  const p = Object.assign(new String(pathname), { get: (i) => pathname.split("/")[i] });
  const render = new Function("range", "env", "fake", "location", "http", "node", "ip", "return `" + text + "`;");
  const out = render((n) => [...Array(Number(n)).keys()], (name, d) => (name.endsWith("_COUNT") ? 2 : d), fakeProxy(),
    { pathname: p, search: {} }, { method: "GET" });
  return JSON.parse(out);
}

function typeOf(v) {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

// maps whose keys are the user's, not Consul's
const FREE_FORM = ["Meta", "NodeMeta", "ServiceMeta", "TaggedAddresses", "Definition"];

// every field the fake writes exists in Consul's shape, with the same JSON type (null matches any)
function sameShape(ours, theirs, where, extra = []) {
  if (theirs === null || ours === null) return;
  assert.equal(typeOf(ours), typeOf(theirs), `${where}: type`);
  if (Array.isArray(ours)) {
    if (ours.length && theirs.length) sameShape(ours[0], theirs[0], `${where}[0]`, extra);
  } else if (typeof ours === "object") {
    for (const k of Object.keys(ours)) {
      if (extra.includes(k)) continue;
      if (FREE_FORM.includes(k)) continue;
      assert.ok(k in theirs, `${where}.${k} is not in Consul's shape (${Object.keys(theirs).join(",")})`);
      if (typeOf(theirs[k]) === "object" && Object.keys(theirs[k]).length === 0) continue; // free-form map
      sameShape(ours[k], theirs[k], `${where}.${k}`, extra);
    }
  }
}

// ---- the checks ---------------------------------------------------------------------------------
const svc = `web-${run}`;

await check("agent service register with a TCP check, listed by the agent", async () => {
  await consul.agent.service.register({
    name: svc, id: `${svc}-1`, tags: ["v1", "blue"], address: "127.0.0.2", port: 31001, meta: { "upone-task": "t1" },
    check: { tcp: "127.0.0.2:31001", interval: "10s", status: "passing", deregistercriticalserviceafter: "1m" },
  });
  await consul.agent.service.register({ name: svc, id: `${svc}-2`, address: "127.0.0.3", port: 31002,
    check: { ttl: "30s" } });
  const list = await consul.agent.service.list();
  assert.equal(list[`${svc}-1`].Service, svc);
  assert.deepEqual(list[`${svc}-1`].Tags, ["v1", "blue"]);
  assert.equal(list[`${svc}-1`].Port, 31001);
  assert.equal(list[`${svc}-1`].Meta["upone-task"], "t1");
  sameShape(list[`${svc}-1`], fixture("v1/agent/services", "/v1/agent/services").web, "agent/services", ["Weights", "Datacenter"]);
});

await check("catalog service lists both instances with Service* fields", async () => {
  const nodes = await consul.catalog.service.nodes(svc);
  assert.equal(nodes.length, 2);
  const one = nodes.find((n) => n.ServiceID === `${svc}-1`);
  assert.equal(one.ServiceAddress, "127.0.0.2");
  assert.equal(one.ServicePort, 31001);
  assert.deepEqual(one.ServiceTags, ["v1", "blue"]);
  assert.equal(typeof one.Node, "string");
});

await check("health service: passing filters the critical TTL instance; shapes as consul-api-double", async () => {
  const all = await consul.health.service(svc);
  assert.equal(all.length, 2);
  const passing = await consul.health.service({ service: svc, passing: true });
  assert.deepEqual(passing.map((e) => e.Service.ID), [`${svc}-1`]);
  const checks = passing[0].Checks;
  assert.ok(checks.some((c) => c.CheckID === "serfHealth"));
  const own = checks.find((c) => c.ServiceID === `${svc}-1`);
  assert.equal(own.Type, "tcp");
  assert.equal(own.Status, "passing");
  const double = fixture("v1/health/service/_", `/v1/health/service/${svc}`);
  sameShape(passing[0].Node, double[0].Node, "health.Node");
  sameShape(passing[0].Service, double[0].Service, "health.Service", ["Weights"]);
  sameShape(own, double[0].Checks[0], "health.Checks");
});

await check("deregister removes an instance; an unknown id is a 404 with Consul's text", async () => {
  await consul.agent.service.deregister(`${svc}-2`);
  assert.equal((await consul.catalog.service.nodes(svc)).length, 1);
  await assert.rejects(consul.agent.service.deregister(`${svc}-nope`), (e) => {
    assert.equal(e.statusCode, 404);
    assert.match(e.response.body.toString(), /Unknown service ID ".*-nope"/);
    return true;
  });
  await consul.agent.service.deregister(`${svc}-1`);
});

await check("register without a name is refused (400, Missing service name)", async () => {
  // the client refuses this itself, so the request goes out raw
  const res = await fetch(new URL("/v1/agent/service/register", url), { method: "PUT", body: JSON.stringify({ ID: "x" }) });
  assert.equal(res.status, 400);
  assert.equal(await res.text(), "Missing service name");
});

const kv = `upone-${run}/apps/web/env`;
await check("kv set/get (base64 decoded by the client), recurse, keys, delete", async () => {
  assert.equal(await consul.kv.set(`${kv}/GREETING`, "hello"), true);
  assert.equal(await consul.kv.set(`${kv}/LEVEL`, "3"), true);
  const one = await consul.kv.get(`${kv}/GREETING`);
  assert.equal(one.Value, "hello");
  assert.equal(one.Key, `${kv}/GREETING`);
  sameShape(one, fixture("v1/kv/_", `/v1/kv/${kv}/GREETING`)[0], "kv");
  const all = await consul.kv.get({ key: `${kv}/`, recurse: true });
  assert.deepEqual(all.map((e) => e.Key), [`${kv}/GREETING`, `${kv}/LEVEL`]);
  assert.deepEqual(await consul.kv.keys(`${kv}/`), [`${kv}/GREETING`, `${kv}/LEVEL`]);
  assert.equal(await consul.kv.get(`${kv}/MISSING`), undefined);
  await consul.kv.del(`${kv}/LEVEL`);
  assert.equal(await consul.kv.get(`${kv}/LEVEL`), undefined);
});

await check("kv cas: 0 creates only, a stale index loses", async () => {
  assert.equal(await consul.kv.set({ key: `${kv}/CAS`, value: "a", cas: 0 }), true);
  // the client turns Consul's `false` into undefined: anything but true is a lost race
  assert.notEqual(await consul.kv.set({ key: `${kv}/CAS`, value: "b", cas: 0 }), true);
  const cur = await consul.kv.get(`${kv}/CAS`);
  assert.equal(await consul.kv.set({ key: `${kv}/CAS`, value: "c", cas: cur.ModifyIndex }), true);
  assert.notEqual(await consul.kv.set({ key: `${kv}/CAS`, value: "d", cas: cur.ModifyIndex }), true);
  assert.equal((await consul.kv.get(`${kv}/CAS`)).Value, "c");
});

await check("blocking query: a watch sees a change made after it started, with a larger index", async () => {
  const first = await consul.kv.get({ key: `${kv}/`, recurse: true, includeResponse: true }).catch(() => null);
  const watch = consul.watch({ method: consul.kv.get, options: { key: `${kv}/`, recurse: true, wait: "5s" } });
  const seen = [];
  const changed = new Promise((resolve, reject) => {
    watch.on("change", (data, res) => {
      seen.push([data, Number(res.headers["x-consul-index"])]);
      if (data && data.some((e) => e.Key.endsWith("/LATE"))) resolve();
    });
    watch.on("error", reject);
  });
  await new Promise((r) => setTimeout(r, 300));
  await consul.kv.set(`${kv}/LATE`, "yes");
  await changed;
  watch.end();
  assert.ok(seen.length >= 2, "an initial answer and a change");
  assert.ok(seen[seen.length - 1][1] > seen[0][1], "the index grew");
  assert.ok(first === null || Array.isArray(first[0]) || first);
});

await check("catalog register sets node meta; nodes and node list it", async () => {
  await consul.catalog.register({ node: `host-${run}`, address: "127.0.0.9", nodemeta: { rack: "r2", disk: "ssd" } });
  const nodes = await consul.catalog.node.list();
  const mine = nodes.find((n) => n.Node === `host-${run}`);
  assert.deepEqual(mine.Meta, { rack: "r2", disk: "ssd" });
  assert.equal(mine.Address, "127.0.0.9");
  const double = fixture("v1/internal/ui/nodes", "/v1/internal/ui/nodes");
  sameShape(mine, double[0], "catalog/nodes", ["Datacenter", "CreateIndex", "ModifyIndex"]);
  const node = await consul.catalog.node.services(`host-${run}`);
  assert.equal(node.Node.Meta.rack, "r2");
  assert.deepEqual(node.Services, {});
  await assert.rejects(consul.catalog.register({ node: `host-${run}`, address: "127.0.0.9", nodemeta: { "consul-x": "1" } }),
    (e) => e.statusCode === 400 && /Key prefix 'consul-' is reserved/.test(e.response.body.toString()));
  await consul.catalog.deregister(`host-${run}`).catch(() => {});
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
