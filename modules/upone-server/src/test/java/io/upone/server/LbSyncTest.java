package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.lb.testing.RealHaproxy;
import io.upone.lb.testing.RealSlardar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load-balancer sync end to end: one upone node, one agent running real HTTP servers
 * ({@code python3 -m http.server}), a real HAProxy and a real Slardar. Every check reads the
 * LB's own view (HAProxy {@code show servers state}, Slardar {@code /upstreams} and
 * {@code /status}) and compares it with the task list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LbSyncTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  @TempDir static Path dir;
  LbCluster lb;
  TestNode master;
  RealHaproxy haproxy;
  RealSlardar slardar;
  String marker;
  Path docroot;

  @BeforeAll
  void start() throws Exception {
    lb = LbCluster.start(dir, "upone-lb-test-", List.of("web.upone", "crash.upone", "down.upone"), "30000-30199").withZones();
    master = lb.master;
    haproxy = lb.haproxy;
    slardar = lb.slardar;
    marker = lb.marker;
    // the marker is in every task's command line (as its docroot), so the test finds its processes
    docroot = Files.createDirectories(dir.resolve(marker));
  }

  @AfterAll
  void stop() throws Exception {
    if (lb != null) lb.close();
  }

  String webApp(String id, String upstream, int instances) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"exec python3 -m http.server $PORT0 --bind 127.0.0.1 --directory " + docroot + "\","
        + " \"cpus\": 0.1, \"mem\": 32, \"instances\": " + instances + ", \"backoffSeconds\": 0.2,"
        + " \"loadBalancer\": {\"upstream\": \"" + upstream + "\", \"zones\": [\"edge-h\", \"edge-s\"]}}";
  }

  JsonArray tasks(String appId) {
    return master.get("/v1/apps" + appId + "/tasks").json().getJsonArray("tasks");
  }

  /** host:port of the app's RUNNING tasks, from upone's API. */
  Set<String> running(String appId) {
    Set<String> out = new TreeSet<>();
    for (Object o : tasks(appId)) {
      JsonObject t = (JsonObject) o;
      if ("TASK_RUNNING".equals(t.getString("state"))) out.add("127.0.0.1:" + t.getJsonArray("ports").getInteger(0));
    }
    return out;
  }

  /** Both LBs' own views equal the running tasks, and there are {@code n} of them. */
  void converged(String what, String appId, String upstream, int n) throws InterruptedException {
    TestNode.await(what, WAIT, () -> {
      Set<String> want = running(appId);
      return want.size() == n && tasks(appId).size() == n
          && haproxy.readyServers(upstream).equals(want)
          && slardar.upstreamServers(upstream).equals(want)
          && slardar.statusServers(upstream).equals(want);
    });
  }

  /** Every task answers through both LBs (an http.server binds a moment after it is RUNNING). */
  void serving(String upstream, Set<String> addresses) throws InterruptedException {
    TestNode.await("tasks answer", WAIT, () -> addresses.stream().allMatch(a ->
        LbTraffic.once(Integer.parseInt(a.substring(a.indexOf(':') + 1)), "x").equals("200")));
    TestNode.await("LBs answer", WAIT, () -> LbTraffic.once(haproxy.proxyPort, upstream).equals("200")
        && LbTraffic.once(slardar.proxyPort, upstream).equals("200"));
  }

  @Test
  void scaleKillAndDeleteConvergeOnBothLoadBalancers() throws Exception {
    assertEquals(201, master.post("/v1/apps", webApp("/lb/web", "web.upone", 1)).status());
    converged("1 server", "/lb/web", "web.upone", 1);
    assertEquals(200, master.put("/v1/apps/lb/web/instances", "{\"instances\": 5}").status());
    converged("5 servers", "/lb/web", "web.upone", 5);
    assertEquals(200, master.put("/v1/apps/lb/web/instances", "{\"instances\": 2}").status());
    converged("2 servers", "/lb/web", "web.upone", 2);

    Set<String> before = running("/lb/web");
    String victim = tasks("/lb/web").getJsonObject(0).getString("id");
    assertEquals(202, master.delete("/v1/tasks/" + victim).status());
    TestNode.await("replaced", WAIT, () -> tasks("/lb/web").stream().noneMatch(t -> ((JsonObject) t).getString("id").equals(victim)));
    converged("2 servers after a kill", "/lb/web", "web.upone", 2);
    assertFalse(running("/lb/web").equals(before), "the killed task's address left the LBs");

    JsonObject zone = master.get("/v1/zones/edge-h").json();
    JsonObject web = zone.getJsonArray("upstreams").stream().map(o -> (JsonObject) o)
        .filter(u -> u.getString("upstream").equals("web.upone")).findFirst().orElseThrow();
    assertEquals("/lb/web", web.getString("app"));
    assertEquals(2, web.getJsonArray("servers").size());
    JsonObject pick = master.get("/v1/zones/edge-s/upstreams/web.upone").json();
    assertEquals(2, pick.getJsonArray("lb").getJsonObject(0).getJsonArray("servers").size(), pick.encode());

    assertEquals(200, master.delete("/v1/apps/lb/web").status());
    TestNode.await("both LBs empty", WAIT, () -> haproxy.readyServers("web.upone").isEmpty()
        && slardar.upstreamServers("web.upone").isEmpty() && slardar.statusServers("web.upone").isEmpty());
  }

  @Test
  void scaleDownLosesNoRequestAndACrashLosesFew() throws Exception {
    assertEquals(201, master.post("/v1/apps", webApp("/lb/crash", "crash.upone", 5)).status());
    converged("5 servers", "/lb/crash", "crash.upone", 5);
    serving("crash.upone", running("/lb/crash"));

    try (LbTraffic viaHaproxy = new LbTraffic(haproxy.proxyPort, "crash.upone", 1_000_000);
         LbTraffic viaSlardar = new LbTraffic(slardar.proxyPort, "crash.upone", 1_000_000)) {
      TestNode.await("traffic flows", WAIT, () -> viaHaproxy.ok.get() > 50 && viaSlardar.ok.get() > 50);
      assertEquals(200, master.put("/v1/apps/lb/crash/instances", "{\"instances\": 2}").status());
      converged("2 servers", "/lb/crash", "crash.upone", 2);
      long hOk = viaHaproxy.ok.get();
      long sOk = viaSlardar.ok.get();
      TestNode.await("more traffic after", WAIT, () -> viaHaproxy.ok.get() > hOk + 50 && viaSlardar.ok.get() > sOk + 50);
      System.out.printf("scale-down 5 -> 2: haproxy %d requests, %d failed; slardar %d requests, %d failed%n",
          viaHaproxy.total(), viaHaproxy.failed.get(), viaSlardar.total(), viaSlardar.failed.get());
      assertEquals(0, viaHaproxy.failed.get(), "failed through haproxy: " + viaHaproxy.firstFailures);
      assertEquals(0, viaSlardar.failed.get(), "failed through slardar: " + viaSlardar.failed.get()
          + " of " + viaSlardar.total() + ": " + viaSlardar.firstFailures + "\n" + slardar.failureEvidence(40));
    }

    // an unplanned crash: nobody drains, the LBs learn it from the task's end
    try (LbTraffic viaHaproxy = new LbTraffic(haproxy.proxyPort, "crash.upone", 1_000_000);
         LbTraffic viaSlardar = new LbTraffic(slardar.proxyPort, "crash.upone", 1_000_000)) {
      TestNode.await("traffic flows", WAIT, () -> viaHaproxy.ok.get() > 50 && viaSlardar.ok.get() > 50);
      String port = running("/lb/crash").iterator().next().split(":")[1];
      long pid = Procs.pids(marker).stream().filter(p -> ProcessHandle.of(p).flatMap(h -> h.info().commandLine())
          .orElse("").contains("http.server " + port + " ")).findFirst().orElseThrow();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      TestNode.await("the crashed task replaced", WAIT, () -> !running("/lb/crash").contains("127.0.0.1:" + port));
      converged("2 servers after a crash", "/lb/crash", "crash.upone", 2);
      serving("crash.upone", running("/lb/crash"));
      System.out.printf("unplanned crash: haproxy %d requests, %d failed (%s); slardar %d requests, %d failed (%s)%n",
          viaHaproxy.total(), viaHaproxy.failed.get(), viaHaproxy.firstFailures, viaSlardar.total(), viaSlardar.failed.get(),
          viaSlardar.firstFailures);
      assertTrue(viaHaproxy.failed.get() < viaHaproxy.total() && viaSlardar.failed.get() < viaSlardar.total());
    }
    assertEquals(200, master.delete("/v1/apps/lb/crash").status());
  }

  @Test
  void anLbDownKeepsTheAppRunningAndCatchesUpWhenBackAndAfterARestart() throws Exception {
    assertEquals(201, master.post("/v1/apps", webApp("/lb/down", "down.upone", 2)).status());
    converged("2 servers", "/lb/down", "down.upone", 2);

    slardar.stopProcess();
    assertEquals(200, master.put("/v1/apps/lb/down/instances", "{\"instances\": 4}").status());
    TestNode.await("4 running though slardar is down", WAIT, () -> running("/lb/down").size() == 4);
    TestNode.await("haproxy has them", WAIT, () -> haproxy.readyServers("down.upone").equals(running("/lb/down")));
    TestNode.await("the lag shows", WAIT, () -> {
      JsonObject inst = master.get("/v1/zones/edge-s").json().getJsonObject("sync").getJsonArray("instances").getJsonObject(0);
      return !inst.getBoolean("inSync") && inst.getString("lastError") != null;
    });
    JsonObject listed = master.get("/v1/zones").json();
    assertTrue(listed.encode().contains("lagMs"), listed.encode());

    slardar.startProcess();
    converged("slardar back", "/lb/down", "down.upone", 4);

    haproxy.stopProcess();
    haproxy.startProcess();
    converged("haproxy restarted", "/lb/down", "down.upone", 4);
    assertEquals(200, master.delete("/v1/apps/lb/down").status());
  }

  @Test
  void badInputIsRefusedAndNothingIsWritten() throws Exception {
    long index = master.lastEventIndex();
    TestNode.Resp r = master.post("/v1/apps", "{\"id\": \"/lb/bad\", \"cmd\": \"sleep 1\", \"cpus\": 0.1, \"mem\": 8,"
        + " \"loadBalancer\": {\"upstream\": \"bad.upone\", \"zones\": [\"nowhere\"]}}");
    assertEquals(400, r.status(), r.body());
    assertEquals("loadBalancer.zones[0]", r.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    r = master.post("/v1/apps", "{\"id\": \"/lb/bad\", \"cmd\": \"sleep 1\", \"cpus\": 0.1, \"mem\": 8,"
        + " \"loadBalancer\": {\"upstream\": \"Bad.Upone\", \"zones\": [\"edge-s\"]}}");
    assertEquals(400, r.status());
    assertEquals("loadBalancer.upstream", r.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    r = master.post("/v1/zones", "{\"name\": \"z1\", \"kind\": \"nginx\", \"instances\": [\"127.0.0.1:1\"]}");
    assertEquals(400, r.status());
    assertEquals("kind", r.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    r = master.post("/v1/zones", "{\"name\": \"Z1\", \"kind\": \"haproxy\", \"instances\": [\"nohost\"]}");
    assertEquals(400, r.status());
    assertEquals(2, r.json().getJsonArray("errors").size(), r.body());
    assertEquals(404, master.get("/v1/zones/nowhere").status());

    // an upstream HAProxy has no backend for: its own message, and the app is not changed
    assertEquals(201, master.post("/v1/apps", "{\"id\": \"/lb/plain\", \"cmd\": \"sleep 600 # " + marker + "\", \"cpus\": 0.1,"
        + " \"mem\": 8, \"instances\": 0}").status());
    index = master.lastEventIndex();
    r = master.post("/v1/zones/edge-h/upstreams", "{\"upstream\": \"nobackend.upone\", \"app\": \"/lb/plain\"}");
    assertEquals(400, r.status(), r.body());
    assertEquals("lb_refused", r.json().getString("code"));
    assertTrue(r.json().getString("message").contains("nobackend.upone"), r.body());
    assertEquals(index, master.lastEventIndex(), "nothing written");
    r = master.post("/v1/zones/nowhere/upstreams", "{\"upstream\": \"x.upone\", \"app\": \"/lb/plain\"}");
    assertEquals(404, r.status());
    r = master.post("/v1/zones/edge-s/upstreams", "{\"upstream\": \"UP\", \"app\": \"/lb/plain\"}");
    assertEquals(400, r.status());
    assertEquals("upstream", r.json().getJsonArray("errors").getJsonObject(0).getString("field"));

    // attach and detach through the zone (what `upone zone edge-s add|delete` call)
    assertEquals(200, master.post("/v1/zones/edge-s/upstreams", "{\"upstream\": \"plain.upone\", \"app\": \"/lb/plain\"}").status());
    assertEquals(List.of("edge-s"), master.get("/v1/apps/lb/plain").json().getJsonObject("loadBalancer").getJsonArray("zones").getList());
    assertEquals(409, master.delete("/v1/zones/edge-s").status(), "a zone in use is not deleted");
    assertEquals(200, master.delete("/v1/zones/edge-s/upstreams/plain.upone").status());
    assertEquals(404, master.delete("/v1/zones/edge-s/upstreams/plain.upone").status());

    // Lua: Slardar's answers are read (it says 200 to everything)
    assertEquals(400, master.post("/v1/zones/edge-h/lua/modules.x", "local _M = {} return _M").status(), "haproxy runs no Lua");
    assertEquals(200, master.post("/v1/zones/edge-s/lua/modules.upone_t", "local _M = {} return _M").status());
    r = master.post("/v1/zones/edge-s/lua/modules.upone_t", "local _M = {} return _M");
    assertEquals(400, r.status());
    assertTrue(r.json().getString("message").contains("already"), r.body());
    assertEquals(200, master.put("/v1/zones/edge-s/lua/modules.upone_t", "").status());
    assertTrue(master.get("/v1/zones/edge-s/lua").body().contains("modules.upone_t"));
    assertEquals(200, master.delete("/v1/zones/edge-s/lua/modules.upone_t").status());

    // top: nginx stub status and HAProxy show stat
    assertTrue(master.get("/v1/zones/edge-s/top").json().getJsonArray("instances").getJsonObject(0).containsKey("requests"));
    assertTrue(master.get("/v1/zones/edge-h/top").json().getJsonArray("instances").getJsonObject(0).containsKey("rows"));
    assertEquals(200, master.delete("/v1/apps/lb/plain").status());
  }
}
