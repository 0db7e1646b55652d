package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.consul.sim.ConsulSim;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import io.upone.server.consul.ConsulConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Consul integration end to end: one upone node with two real agents running real processes,
 * against the Consul fake. Every check reads Consul's side through its HTTP API (catalog, health)
 * or the task processes' own output, and compares it with upone's task list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulIntegrationTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  @TempDir static Path dir;
  Vertx simVertx;
  ConsulSim consul;
  TestNode master;
  TestAgents agents;
  final String marker = "upone-consul-test-" + UUID.randomUUID();
  Path out;

  @BeforeAll
  void start() throws Exception {
    simVertx = Vertx.vertx();
    consul = ConsulSim.start(simVertx, "consul-sim", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    // left over from an earlier leader: upone's (meta upone-task, no such task) and someone else's
    assertEquals(200, consulPut("/v1/agent/service/register",
        "{\"ID\": \"upone-gone.1\", \"Name\": \"web-svc\", \"Port\": 1, \"Meta\": {\"upone-task\": \"gone.1\"}}").status());
    assertEquals(200, consulPut("/v1/agent/service/register", "{\"ID\": \"theirs\", \"Name\": \"theirs\", \"Port\": 2}").status());
    ServerConfig cfg = ServerConfig.single(dir.resolve("master"), TestNode.freePort(), TestNode.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 2000))
        .withConsul(ConsulConfig.parse(consul.address()));
    master = new TestNode(cfg).startReady();
    agents = new TestAgents(dir);
    agents.start(master.url(), "a", "cpus:8;mem:8192;disk:1000;ports:[30200-30399]");
    agents.start(master.url(), "b", "cpus:8;mem:8192;disk:1000;ports:[30400-30599]");
    TestNode.await("two agents", WAIT, () -> master.get("/v1/agents").json().getJsonArray("agents").size() == 2);
    out = Files.createDirectories(dir.resolve(marker));
  }

  @AfterAll
  void stop() throws Exception {
    if (consul != null) {
      // figures, not assertions: what the whole class cost Consul (watches held open, not polled)
      for (String r : java.util.List.of("GET /v1/kv/upone/apps", "PUT /v1/kv", "GET /v1/catalog/nodes", "PUT /v1/catalog/register",
          "PUT /v1/agent/service/register", "PUT /v1/agent/service/deregister", "GET /v1/agent/services")) {
        System.out.println("consul requests " + r + ": " + consul.requests(r));
      }
    }
    if (agents != null) agents.close();
    if (master != null) master.close();
    Procs.cleanUp(marker);
    if (simVertx != null) simVertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  TestNode.Resp consulGet(String path) {
    return TestNode.request(consul.address(), "GET", path, null, null);
  }

  TestNode.Resp consulPut(String path, String body) {
    return TestNode.request(consul.address(), "PUT", path, body, "application/json");
  }

  /** A task that writes its whole environment to {@code out/<task id>.env}, then stays up. */
  String app(String id, int instances, String extra) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"env > " + out + "/$UPONE_TASK_ID.env; exec tail -f " + out + "/$UPONE_TASK_ID.env\","
        + " \"cpus\": 0.1, \"mem\": 16, \"instances\": " + instances + ", \"backoffSeconds\": 0.2" + extra + "}";
  }

  JsonArray tasks(String appId) {
    return master.get("/v1/apps" + appId + "/tasks").json().getJsonArray("tasks");
  }

  Stream<JsonObject> running(String appId) {
    return tasks(appId).stream().map(o -> (JsonObject) o).filter(t -> "TASK_RUNNING".equals(t.getString("state")));
  }

  /** Consul's instances of {@code service} (catalog) equal upone's RUNNING tasks, {@code n} of them. */
  void registered(String what, String appId, String service, int n) throws InterruptedException {
    TestNode.await(what, WAIT, () -> {
      Set<String> want = new TreeSet<>();
      running(appId).forEach(t -> want.add("upone-" + t.getString("id") + "@" + t.getString("host") + ":" + t.getJsonArray("ports").getInteger(0)));
      Set<String> got = new TreeSet<>();
      for (Object o : new JsonArray(consulGet("/v1/catalog/service/" + service).body())) {
        JsonObject e = (JsonObject) o;
        got.add(e.getString("ServiceID") + "@" + e.getString("ServiceAddress") + ":" + e.getInteger("ServicePort"));
      }
      return want.size() == n && tasks(appId).size() == n && got.equals(want);
    });
  }

  JsonObject status() {
    return master.get("/v1/consul").json();
  }

  @Test
  void registrationFollowsScaleKillAndDelete() throws Exception {
    TestNode.await("the stale upone registration removed on leadership", WAIT,
        () -> !new JsonObject(consulGet("/v1/agent/services").body()).containsKey("upone-gone.1"));
    assertTrue(new JsonObject(consulGet("/v1/agent/services").body()).containsKey("theirs"), "not upone's: left alone");

    assertEquals(201, master.post("/v1/apps", app("/consul/web", 2,
        ", \"labels\": {\"consul\": \"web-svc\", \"blue\": \"tag\", \"consul-tags\": \"v1,edge\"}")).status());
    registered("2 instances", "/consul/web", "web-svc", 2);
    JsonArray health = new JsonArray(consulGet("/v1/health/service/web-svc?passing").body());
    assertEquals(2, health.size(), health.encodePrettily());
    JsonObject one = health.getJsonObject(0);
    assertEquals(new JsonArray().add("blue").add("v1").add("edge"), one.getJsonObject("Service").getJsonArray("Tags"));
    assertEquals("/consul/web", one.getJsonObject("Service").getJsonObject("Meta").getString("upone-app"));
    assertTrue(one.getJsonArray("Checks").stream().anyMatch(c -> "tcp".equals(((JsonObject) c).getString("Type"))), health.encode());

    assertEquals(200, master.put("/v1/apps/consul/web/instances", "{\"instances\": 4}").status());
    registered("4 instances", "/consul/web", "web-svc", 4);
    String victim = running("/consul/web").findFirst().orElseThrow().getString("id");
    assertEquals(202, master.delete("/v1/tasks/" + victim).status());
    TestNode.await("replaced", WAIT, () -> tasks("/consul/web").stream().noneMatch(t -> ((JsonObject) t).getString("id").equals(victim)));
    registered("4 instances after a kill, the killed one gone", "/consul/web", "web-svc", 4);
    assertEquals(200, master.put("/v1/apps/consul/web/instances", "{\"instances\": 1}").status());
    registered("1 instance", "/consul/web", "web-svc", 1);
    assertEquals(200, master.delete("/v1/apps/consul/web").status());
    TestNode.await("no instance after delete", WAIT, () -> new JsonArray(consulGet("/v1/catalog/service/web-svc").body()).isEmpty());
  }

  @Test
  void onlyHealthyTasksAreRegisteredWithTheirHttpCheck() throws Exception {
    String flag = "ok-" + UUID.randomUUID();
    assertEquals(201, master.post("/v1/apps", "{\"id\": \"/consul/checked\", \"labels\": {\"consul\": \"true\"},"
        + " \"cmd\": \"exec python3 -m http.server $PORT0 --bind 127.0.0.1 --directory " + out + "\", \"cpus\": 0.1, \"mem\": 32,"
        + " \"instances\": 1, \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/" + flag + "\", \"portIndex\": 0,"
        + " \"gracePeriodSeconds\": 0, \"intervalSeconds\": 2, \"timeoutSeconds\": 1, \"maxConsecutiveFailures\": 3}]}").status());
    // its check cannot pass before the flag file exists: running, never healthy, never registered
    TestNode.await("running", WAIT, () -> running("/consul/checked").count() == 1);
    assertEquals(new JsonArray(), new JsonArray(consulGet("/v1/catalog/service/consul-checked").body()), "not healthy: not registered");

    Files.writeString(out.resolve(flag), "ok");
    registered("registered once healthy", "/consul/checked", "consul-checked", 1);
    JsonObject check = new JsonArray(consulGet("/v1/health/service/consul-checked").body()).getJsonObject(0).getJsonArray("Checks")
        .stream().map(o -> (JsonObject) o).filter(c -> "http".equals(c.getString("Type"))).findFirst().orElseThrow();
    assertTrue(check.getJsonObject("Definition").getString("HTTP").endsWith("/" + flag), check.encode());

    Files.delete(out.resolve(flag));
    // unhealthy (and killed, past the failures allowed; its replacement cannot pass either)
    TestNode.await("deregistered when unhealthy", WAIT, () -> new JsonArray(consulGet("/v1/catalog/service/consul-checked").body()).isEmpty());
    assertEquals(200, master.delete("/v1/apps/consul/checked").status());
  }

  /** The env each task process wrote, by task id. */
  Map<String, Map<String, String>> envs(String appId) {
    Map<String, Map<String, String>> res = new HashMap<>();
    for (Object o : tasks(appId)) {
      String id = ((JsonObject) o).getString("id");
      Path f = out.resolve(id + ".env");
      if (!Files.exists(f)) continue;
      Map<String, String> env = new HashMap<>();
      java.util.List<String> lines;
      try {
        lines = Files.readAllLines(f);
      } catch (java.io.IOException e) {
        continue; // being written
      }
      for (String line : lines) {
        int eq = line.indexOf('=');
        if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
      }
      if (env.containsKey("UPONE_TASK_ID")) res.put(id, env);
    }
    return res;
  }

  /** The KV watch has answered at least up to {@code index}. */
  void kvSeen(long index) throws InterruptedException {
    TestNode.await("KV index " + index + " read", WAIT, () -> {
      JsonObject kv = status().getJsonObject("parts").getJsonObject("kvEnv");
      return kv != null && kv.getBoolean("ok") && kv.getLong("index") >= index;
    });
  }

  long kvPut(String key, String value) {
    TestNode.Resp r = TestNode.request(consul.address(), "PUT", "/v1/kv/" + key, value, "text/plain");
    assertEquals("true", r.body());
    return Long.parseLong(consulGet("/v1/kv/" + key).header("X-Consul-Index"));
  }

  @Test
  void kvEnvReachesNewTasksAndTheAppsOwnEnvWins() throws Exception {
    kvPut("upone/apps/consul/envapp/env/GREETING", "hello");
    kvPut("upone/apps/consul/envapp/env/LEVEL", "from-kv");
    kvPut("upone/apps/consul/envapp/env/not-an-env-name", "skipped");
    // bytes that are not UTF-8 text: skipped, not passed on mangled
    java.net.http.HttpResponse<String> binary = TestNode.HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(consul.address() + "/v1/kv/upone/apps/consul/envapp/env/BINARY"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41})).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals("true", binary.body());
    kvSeen(Long.parseLong(consulGet("/v1/kv/upone/apps/consul/envapp/env/BINARY").header("X-Consul-Index")));
    assertEquals(2, status().getJsonObject("parts").getJsonObject("kvEnv").getInteger("skippedKeys"), status().encode());
    assertEquals(201, master.post("/v1/apps", app("/consul/envapp", 1, ", \"env\": {\"LEVEL\": \"from-app\"}")).status());
    TestNode.await("the task printed its env", WAIT, () -> envs("/consul/envapp").size() == 1);
    Map<String, String> first = envs("/consul/envapp").values().iterator().next();
    assertEquals("hello", first.get("GREETING"));
    assertEquals("from-app", first.get("LEVEL"), "the app's own env wins over KV");
    assertTrue(first.keySet().stream().noneMatch(k -> k.contains("-") || k.equals("BINARY")), first.toString());

    kvSeen(kvPut("upone/apps/consul/envapp/env/GREETING", "bonjour"));
    assertEquals(200, master.put("/v1/apps/consul/envapp/instances", "{\"instances\": 2}").status());
    TestNode.await("the second task printed its env", WAIT, () -> envs("/consul/envapp").size() == 2);
    Set<String> greetings = new TreeSet<>();
    envs("/consul/envapp").values().forEach(e -> greetings.add(e.get("GREETING")));
    assertEquals(Set.of("bonjour", "hello"), greetings, "the new task has the new value; the running one kept its own");
    // one watch for all apps, held open: not one read per launch
    assertTrue(consul.held().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS) <= 2);
    assertEquals(200, master.delete("/v1/apps/consul/envapp").status());
  }

  void nodeMeta(String node, String address, String disk) {
    assertEquals("true", consulPut("/v1/catalog/register",
        "{\"Node\": \"" + node + "\", \"Address\": \"" + address + "\", \"NodeMeta\": {\"disk\": \"" + disk + "\"}}").body());
  }

  Set<String> hosts(String appId) {
    Set<String> h = new TreeSet<>();
    running(appId).forEach(t -> h.add(t.getString("host")));
    return h;
  }

  @Test
  void nodeMetaMovesPlacement() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/consul/placed", 1, ", \"constraints\": [[\"disk\", \"CLUSTER\", \"ssd\"]]")).status());
    assertTrue(tasks("/consul/placed").isEmpty(), "no agent has disk:ssd yet");
    nodeMeta("host-b", "127.0.0.22", "ssd");
    TestNode.await("placed on b, which Consul says has ssd", WAIT, () -> hosts("/consul/placed").equals(Set.of("host-b")));

    nodeMeta("host-b", "127.0.0.22", "hdd");
    nodeMeta("host-a", "127.0.0.21", "ssd");
    TestNode.await("the meta change read", WAIT, () -> status().getJsonObject("parts").getJsonObject("nodeMeta").getLong("index")
        >= Long.parseLong(consulGet("/v1/catalog/nodes").header("X-Consul-Index")));
    assertEquals(200, master.put("/v1/apps/consul/placed/instances", "{\"instances\": 2}").status());
    TestNode.await("the new task on a; the running one stays", WAIT, () -> hosts("/consul/placed").equals(Set.of("host-a", "host-b")));
    assertEquals(200, master.delete("/v1/apps/consul/placed").status());
  }

  @Test
  void consulAnsweringGarbageOrGoneLosesNothing() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/consul/sturdy", 1, ", \"labels\": {\"consul\": \"true\"}")).status());
    registered("1 instance", "/consul/sturdy", "consul-sturdy", 1);

    consul.garbage(true);
    try {
      assertEquals(200, master.put("/v1/apps/consul/sturdy/instances", "{\"instances\": 2}").status());
      TestNode.await("scheduling goes on", WAIT, () -> running("/consul/sturdy").count() == 2);
      TestNode.await("the status names the failure", WAIT, () -> {
        JsonObject s = status().getJsonObject("parts").getJsonObject("services");
        return !s.getBoolean("ok") && s.getString("error").contains("Decode");
      });
    } finally {
      consul.garbage(false);
    }
    registered("2 instances once Consul makes sense again", "/consul/sturdy", "consul-sturdy", 2);

    consul.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    try {
      TestNode.await("the watches notice", WAIT, () -> !status().getJsonObject("parts").getJsonObject("kvEnv").getBoolean("ok"));
      assertEquals(200, master.put("/v1/apps/consul/sturdy/instances", "{\"instances\": 3}").status());
      TestNode.await("scheduling goes on without Consul", WAIT, () -> running("/consul/sturdy").count() == 3);
    } finally {
      consul.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    registered("3 instances once Consul is back", "/consul/sturdy", "consul-sturdy", 3);
    TestNode.await("the watches read again", WAIT, () -> status().getJsonObject("parts").getJsonObject("kvEnv").getBoolean("ok")
        && status().getJsonObject("parts").getJsonObject("nodeMeta").getBoolean("ok"));
    assertEquals(200, master.delete("/v1/apps/consul/sturdy").status());
  }
}
