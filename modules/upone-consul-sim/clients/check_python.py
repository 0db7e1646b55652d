"""Drives a Consul HTTP API (the fake, or a real agent) with the Python `consul` client (Debian's
python3-consul, the project py-consul continues). Usage: python3 check_python.py URL
Prints one line per check and "N passed, N failed"; exits 1 on any failure."""
import json
import os
import sys
import threading
import time
import traceback
import urllib.parse
import urllib.request

import consul

url = urllib.parse.urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8500")
c = consul.Consul(host=url.hostname, port=url.port)
run = "p%d" % os.getpid()
results = {"passed": 0, "failed": 0}


def check(name):
    def wrap(fn):
        try:
            fn()
            results["passed"] += 1
            print("ok - " + name, flush=True)
        except Exception:
            results["failed"] += 1
            print("FAILED - %s: %s" % (name, traceback.format_exc()), flush=True)
        return fn
    return wrap


def raw(method, path, body=None):
    req = urllib.request.Request(sys.argv[1].rstrip("/") + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


svc = "api-" + run


@check("service register with HTTP and TTL checks; agent services, catalog, health passing")
def _():
    assert c.agent.service.register(svc, service_id=svc + "-1", address="127.0.0.4", port=31010, tags=["green"],
                                    check=consul.Check.http("http://127.0.0.4:31010/health", "5s", deregister="1m"))
    assert c.agent.service.register(svc, service_id=svc + "-2", address="127.0.0.5", port=31011,
                                    check=consul.Check.ttl("20s"))
    services = c.agent.services()
    assert services[svc + "-1"]["Port"] == 31010, services
    assert services[svc + "-1"]["Tags"] == ["green"]
    index, nodes = c.catalog.service(svc)
    assert int(index) > 0
    assert sorted(n["ServiceID"] for n in nodes) == [svc + "-1", svc + "-2"]
    # both checks start critical: nothing passes until the TTL is passed
    index, passing = c.health.service(svc, passing=True)
    assert passing == [], passing
    # Debian's 0.7.1 still sends GET here, which Consul refuses since 1.0 (405): so does the fake
    assert c.agent.check.ttl_pass("service:" + svc + "-2", notes="fine") is False
    status, body = raw("PUT", "/v1/agent/check/pass/" + urllib.parse.quote("service:" + svc + "-2") + "?note=fine")
    assert status == 200, (status, body)
    index, passing = c.health.service(svc, passing=True)
    assert [e["Service"]["ID"] for e in passing] == [svc + "-2"], passing
    own = [ch for ch in passing[0]["Checks"] if ch["ServiceID"] == svc + "-2"][0]
    assert own["Status"] == "passing" and own["Output"] == "fine" and own["Type"] == "ttl", own


@check("deregister: gone from catalog; unknown id refused")
def _():
    # as above: the client's GET gets 405, the PUT of Consul >= 1.0 works
    assert c.agent.service.deregister(svc + "-1") is False
    assert raw("PUT", "/v1/agent/service/deregister/" + svc + "-1")[0] == 200
    assert raw("PUT", "/v1/agent/service/deregister/" + svc + "-2")[0] == 200
    index, nodes = c.catalog.service(svc)
    assert nodes == []
    status, body = raw("PUT", "/v1/agent/service/deregister/" + svc + "-none")
    assert status == 404 and 'Unknown service ID "%s-none"' % svc in body, (status, body)


@check("invalid check definitions are refused with Consul's texts")
def _():
    status, body = raw("PUT", "/v1/agent/service/register", {"Name": "x", "Check": {"TCP": "127.0.0.1:1"}})
    assert status == 400 and "Interval must be > 0" in body, (status, body)
    status, body = raw("PUT", "/v1/agent/service/register", {"Name": "x", "Port": "eighty"})
    assert status == 400 and body.startswith("Request decode failed"), (status, body)
    status, body = raw("PUT", "/v1/agent/service/register", "not an object")
    assert status == 400, (status, body)


kv = "upone-%s/apps/api/env/" % run


@check("kv put/get (bytes), recurse, keys, cas, delete")
def _():
    assert c.kv.put(kv + "MODE", "blue")
    assert c.kv.put(kv + "SIZE", "7", flags=42)
    index, one = c.kv.get(kv + "MODE")
    assert one["Value"] == b"blue", one
    index, two = c.kv.get(kv + "SIZE")
    assert two["Flags"] == 42
    index, everything = c.kv.get(kv, recurse=True)
    assert [e["Key"] for e in everything] == [kv + "MODE", kv + "SIZE"]
    index, keys = c.kv.get(kv, keys=True)
    assert keys == [kv + "MODE", kv + "SIZE"]
    assert c.kv.put(kv + "MODE", "red", cas=0) is False
    assert c.kv.put(kv + "MODE", "red", cas=one["ModifyIndex"]) is True
    index, missing = c.kv.get(kv + "NOPE")
    assert missing is None
    assert c.kv.delete(kv, recurse=True)
    index, gone = c.kv.get(kv, recurse=True)
    assert gone is None


@check("blocking get: held until a write, then the new value with a larger index")
def _():
    c.kv.put(kv + "WATCHED", "1")
    index, first = c.kv.get(kv + "WATCHED")
    got = {}

    def wait():
        got["index"], got["value"] = c.kv.get(kv + "WATCHED", index=index, wait="10s")

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.3)
    assert t.is_alive(), "the read was not held"
    c.kv.put(kv + "WATCHED", "2")
    t.join(15)
    assert got["value"]["Value"] == b"2", got
    assert int(got["index"]) > int(index)
    # nothing changes: the wait runs out and the same index comes back
    start = time.time()
    same_index, same = c.kv.get(kv + "WATCHED", index=got["index"], wait="200ms")
    assert same_index == got["index"] and same["Value"] == b"2"
    c.kv.delete(kv, recurse=True)


@check("node meta through the catalog: nodes and node show it")
def _():
    node = "host-" + run
    status, body = raw("PUT", "/v1/catalog/register", {"Node": node, "Address": "127.0.0.8", "NodeMeta": {"rack": "r1"}})
    assert status == 200 and body == "true", (status, body)
    index, nodes = c.catalog.nodes()
    mine = [n for n in nodes if n["Node"] == node][0]
    assert mine["Meta"] == {"rack": "r1"} and mine["Address"] == "127.0.0.8", mine
    index, one = c.catalog.node(node)
    assert one["Node"]["Meta"]["rack"] == "r1"
    index, none = c.catalog.node("no-such-" + run)
    assert none is None
    status, body = raw("PUT", "/v1/catalog/register", {"Node": node})
    assert status == 400 and body == "Must provide address", (status, body)
    raw("PUT", "/v1/catalog/deregister", {"Node": node})


print("%d passed, %d failed" % (results["passed"], results["failed"]))
sys.exit(1 if results["failed"] else 0)
