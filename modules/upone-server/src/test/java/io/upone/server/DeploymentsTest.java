package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health checks and deployments end to end: a master, two agents, real processes (a small HTTP
 * server per task that names its version and answers health checks), and a client that only
 * talks to tasks the API lists as running and healthy.
 */
class DeploymentsTest extends MasterWithAgents {
  private static final Duration LONG = Duration.ofSeconds(90);
  private Path script;

  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:4;mem:4096;disk:1000;ports:[30400-30499]", "b", "cpus:4;mem:4096;disk:1000;ports:[30500-30599]");
    script = dir.resolve("versioned-server.py");
    try (InputStream in = getClass().getResourceAsStream("/versioned-server.py")) {
      Files.copy(in, script);
    }
  }

  /** The app's JSON: {@code version} is what its tasks answer ("sick" fails its health checks). */
  private String app(String version, int instances, String strategy, String extra) {
    return app(version, instances, strategy, extra, 30);
  }

  /** {@code grace}: seconds in which a task's failing checks do not count (until its first success). */
  private String app(String version, int instances, String strategy, String extra, int grace) {
    // the marker is an argument of the server itself, so the test finds (and ends) the very processes
    return "{\"id\": \"/dep/web\", \"cmd\": \"exec python3 " + script + " " + version + " $PORT0 " + marker + "\","
        + " \"cpus\": 0.1, \"mem\": 32, \"instances\": " + instances + ", \"taskKillGracePeriodSeconds\": 3,"
        + " \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/health\", \"portIndex\": 0, \"gracePeriodSeconds\": " + grace + ","
        + " \"intervalSeconds\": 2, \"timeoutSeconds\": 1, \"maxConsecutiveFailures\": 3, \"delaySeconds\": 0}],"
        + " \"upgradeStrategy\": " + strategy + extra + "}";
  }

  private JsonArray tasks() {
    return master.get("/v1/apps/dep/web/tasks").json().getJsonArray("tasks");
  }

  private long healthy() {
    return tasks().stream().map(o -> (JsonObject) o)
        .filter(t -> "TASK_RUNNING".equals(t.getString("state")) && Boolean.TRUE.equals(t.getBoolean("healthy"))).count();
  }

  private JsonArray deployments(boolean all) {
    return master.get("/v1/deployments" + (all ? "?all=true" : "")).json().getJsonArray("deployments");
  }

  private JsonObject lastDeployment() {
    JsonArray all = deployments(true);
    return all.getJsonObject(all.size() - 1);
  }

  private void createAndWaitHealthy(String strategy, int n) throws Exception {
    assertEquals(201, master.post("/v1/apps", app("v1", n, strategy, "")).status());
    TestNode.await(n + " healthy v1 tasks", LONG, () -> healthy() == n);
  }

  /** Every task serves {@code version}; the deployment has ended. */
  private void awaitAllServe(String version, int n) throws Exception {
    try {
      awaitServing(version, n);
    } catch (AssertionError e) {
      String ends = events(1, "taskStatusChanged").stream().map(ev -> ev.getJsonObject("taskStatusChanged"))
          .filter(c -> !"TASK_RUNNING".equals(c.getString("state"))).map(JsonObject::encode).collect(Collectors.joining("\n"));
      throw new AssertionError(e.getMessage() + "; tasks: " + tasks().encode() + "; deployments: " + deployments(true).encode()
          + "; task ends:\n" + ends, e);
    }
  }

  private void awaitServing(String version, int n) throws Exception {
    TestNode.await("all " + n + " tasks healthy at " + version + ", no deployment running", LONG, () -> {
      if (!deployments(false).isEmpty() || tasks().size() != n || healthy() != n) return false;
      return tasks().stream().map(o -> (JsonObject) o).allMatch(t -> version.equals(
          TestNode.request("http://127.0.0.1:" + t.getJsonArray("ports").getInteger(0), "GET", "/", null, null).body()));
    });
  }

  @Test
  void aRollingDeployLosesNoRequest() throws Exception {
    createAndWaitHealthy("{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0.4}", 5);
    try (RequestLoop loop = new RequestLoop(master, "/dep/web", 100_000)) {
      TestNode.Resp r = master.put("/v1/apps/dep/web", app("v2", 5, "{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0.4}", ""));
      assertEquals(200, r.status(), r.body());
      assertTrue(r.json().containsKey("deployment"), "the app shows its running deployment: " + r.body());
      awaitAllServe("v2", 5);
      loop.close();
      assertEquals(List.of(), loop.failures, "no request failed");
      assertTrue(loop.versions.containsKey("v1") && loop.versions.containsKey("v2"), "both versions served: " + loop.versions);
    }
    JsonObject d = lastDeployment();
    assertEquals("succeeded", d.getString("outcome"), d.encode());
    assertEquals("rolling", d.getString("type"));
  }

  @Test
  void aBlueGreenDeployLosesNoRequest() throws Exception {
    String strategy = "{\"type\": \"blue-green\", \"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}";
    createAndWaitHealthy(strategy, 5);
    try (RequestLoop loop = new RequestLoop(master, "/dep/web", 100_000)) {
      assertEquals(200, master.put("/v1/apps/dep/web", app("v2", 5, strategy, "")).status());
      awaitAllServe("v2", 5);
      loop.close();
      assertEquals(List.of(), loop.failures, "no request failed");
    }
    JsonObject d = lastDeployment();
    assertEquals("succeeded", d.getString("outcome"), d.encode());
    assertEquals("switched", d.getString("phase"), "it switched before the old set went");
  }

  @Test
  void aVersionFailingItsHealthChecksIsRolledBackWhileTheOldOneServes() throws Exception {
    String strategy = "{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}";
    createAndWaitHealthy(strategy, 3);
    try (RequestLoop loop = new RequestLoop(master, "/dep/web", 100_000)) {
      assertEquals(200, master.put("/v1/apps/dep/web", app("sick", 3, strategy, "", 2)).status());
      TestNode.await("the deployment rolled back and its rollback finished", LONG, () -> {
        JsonArray all = deployments(true);
        return all.size() >= 2 && deployments(false).isEmpty();
      });
      awaitAllServe("v1", 3);
      loop.close();
      assertEquals(List.of(), loop.failures, "the old version served throughout");
      assertEquals(0, loop.versions.getOrDefault("sick", new java.util.concurrent.atomic.AtomicInteger()).get());
    }
    JsonArray all = deployments(true);
    JsonObject failed = all.getJsonObject(all.size() - 2);
    assertEquals("rolled_back", failed.getString("outcome"), failed.encode());
    assertTrue(failed.getString("outcomeReason").contains("failed or went unhealthy"), failed.getString("outcomeReason"));
    assertTrue(all.getJsonObject(all.size() - 1).getBoolean("rollback"));
    assertTrue(master.get("/v1/apps/dep/web").body().contains(" v1 $PORT0"), "the definition is v1 again");
  }

  @Test
  void aVersionThatCannotBePlacedIsRolledBackAtItsDeadlineSayingWhy() throws Exception {
    createAndWaitHealthy("{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}", 2);
    String huge = app("v2", 2, "{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1, \"deadlineSeconds\": 3}", "")
        .replace("\"cpus\": 0.1", "\"cpus\": 64");
    assertEquals(200, master.put("/v1/apps/dep/web", huge).status());
    TestNode.await("the deployment rolled back", LONG, () -> deployments(true).stream()
        .anyMatch(o -> "rolled_back".equals(((JsonObject) o).getString("outcome"))));
    JsonObject failed = deployments(true).stream().map(o -> (JsonObject) o)
        .filter(o -> "rolled_back".equals(o.getString("outcome"))).findFirst().orElseThrow();
    String reason = failed.getString("outcomeReason");
    assertTrue(reason.startsWith("deadline passed (0 of 2 new tasks healthy"), reason);
    assertTrue(reason.contains("cpus"), "why the new tasks were pending: " + reason);
    awaitAllServe("v1", 2);
  }

  @Test
  void aCanaryPausesUntilPromoted() throws Exception {
    String strategy = "{\"type\": \"canary\", \"canaryInstances\": 1, \"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}";
    createAndWaitHealthy(strategy, 3);
    assertEquals(200, master.put("/v1/apps/dep/web", app("v2", 3, strategy, "")).status());
    TestNode.await("the canary paused", LONG, () -> !deployments(false).isEmpty()
        && "canary_paused".equals(deployments(false).getJsonObject(0).getString("phase")));
    assertEquals(4, tasks().size(), "three old and one canary");
    String id = deployments(false).getJsonObject(0).getString("id");
    assertEquals(200, master.post("/v1/deployments/" + id + "/promote", "").status());
    awaitAllServe("v2", 3);
    assertEquals(409, master.post("/v1/deployments/" + id + "/promote", "").status(), "promoting a finished deployment");
  }

  @Test
  void healthFlappingIsOneEventPerChangeAndTheKillBudgetHolds() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("v1", 4, "{\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}",
        "")).status());
    TestNode.await("4 healthy tasks", LONG, () -> healthy() == 4);
    long from = master.lastEventIndex() + 1;
    List<JsonObject> before = tasks().stream().map(o -> (JsonObject) o).collect(Collectors.toList());
    // every task falls ill at once: 10% of 4 (at least one) may be killed this minute; the rest are kept, with an alert
    for (JsonObject t : before) Files.writeString(sandbox(t).resolve("sick"), "");
    TestNode.await("one task killed and an alert raised", LONG, () -> events(from, "alertRaised").size() == 1
        && killed(from).size() == 1);
    for (JsonObject t : before) Files.deleteIfExists(sandbox(t).resolve("sick"));
    TestNode.await("4 healthy tasks again", LONG, () -> healthy() == 4 && tasks().size() == 4);
    assertEquals(1, killed(from).size(), "no more than the budget was killed");
    assertEquals(1, events(from, "alertRaised").size(), "one alert, not one per pass");
    // each survivor fell ill and recovered: one event per change of health, not one per probe
    for (JsonObject t : before) {
      String id = t.getString("id");
      if (killed(from).contains(id)) continue;
      List<Boolean> changes = events(from, "taskStatusChanged").stream().map(e -> e.getJsonObject("taskStatusChanged"))
          .filter(c -> id.equals(c.getString("taskId")) && c.getBoolean("hasHealth", false))
          .map(c -> c.getBoolean("healthy", false)).toList();
      assertEquals(List.of(false, true), changes, id);
    }
  }

  private List<String> killed(long from) {
    return events(from, "taskStatusChanged").stream().map(e -> e.getJsonObject("taskStatusChanged"))
        .filter(c -> "TASK_KILLED".equals(c.getString("state"))).map(c -> c.getString("taskId")).toList();
  }

  private Path sandbox(JsonObject task) {
    String agent = task.getString("host").replace("host-", "");
    return dir.resolve("agent-" + agent).resolve("sandboxes").resolve(task.getString("id"));
  }

  private List<JsonObject> events(long from, String field) {
    return master.events(from, field);
  }
}
