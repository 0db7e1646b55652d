package io.upone.agent.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.MasterDouble;
import io.upone.agent.Wire;
import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent with the process and Docker executors, watched through a master double. */
class AgentContainersTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;
  DockerEngine engine;
  MasterDouble master;
  Vertx vertx;
  Agent agent;

  @BeforeEach
  void start() throws Exception {
    engine = TestEngine.connectOrSkip();
    master = new MasterDouble();
    startAgent();
  }

  void startAgent() throws Exception {
    vertx = Vertx.vertx();
    AgentConfig ac = new AgentConfig(master.url(), new Resources(2, 1024, 1000, List.of(new PortRange(31500, 31599))), Map.of(),
        dir.resolve("agent"), "host-a", "127.0.0.1", 0, 100, 1 << 20);
    DockerEngine own = TestEngine.connectOrSkip();
    agent = new Agent(ac, List.<Executor>of(new ProcessExecutor(), new DockerExecutor(own, ContainerPolicy.DEFAULT, 1 << 20)));
    vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (engine == null) return;
    try {
      String id = agent == null ? null : agent.agentId();
      if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (id != null) {
        boolean clean = TestEngine.containersOf(engine, id).isEmpty();
        TestEngine.removeAll(engine, id);
        assertTrue(clean, "the test left containers of agent " + id);
      }
    } finally {
      master.close();
      engine.close();
    }
  }

  String launch(String cmd, double mem, int graceSeconds) throws Exception {
    String taskId = "t-" + UUID.randomUUID();
    TaskLaunch l = new TaskLaunch(taskId, "/c/app", 1, agent.agentId(), cmd, List.of(), TestEngine.IMAGE, Map.of("GREETING", "hi"),
        0.1, mem, 0, List.of(31500), graceSeconds, TaskContainer.HOST);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonArray().add(Wire.launch(l)).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    return taskId;
  }

  void awaitState(String taskId, String state) {
    Poll.until(taskId + " " + state, WAIT, () -> state.equals(master.state(taskId)));
  }

  String logs(String taskId, String stream) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks/" + taskId + "/logs?stream=" + stream)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void theAgentAdvertisesDocker() {
    Poll.until("a heartbeat", WAIT, () -> master.lastHeartbeat != null);
    assertEquals(new JsonArray().add("process").add("docker"), master.lastHeartbeat.getJsonArray("executors"));
    assertTrue(!master.lastHeartbeat.getString("dockerVersion", "").isEmpty());
  }

  @Test
  void exitCodesBecomeFinishedOrFailedAndOutputIsServed() throws Exception {
    String ok = launch("echo \"$GREETING from $UPONE_TASK_ID port $PORT0\"; echo warn >&2", 32, 2);
    String bad = launch("exit 7", 32, 2);
    awaitState(ok, "TASK_FINISHED");
    awaitState(bad, "TASK_FAILED");
    assertEquals(7, master.status(bad).getInteger("exitCode"));
    assertEquals("exit_code", master.status(bad).getString("reason"));
    assertEquals("hi from " + ok + " port 31500\n", logs(ok, "stdout"));
    assertEquals("warn\n", logs(ok, "stderr"));
  }

  @Test
  void aContainerPastItsMemoryLimitFailsOutOfMemory() throws Exception {
    String t = launch("dd if=/dev/zero of=/dev/null bs=64M count=1", 16, 2);
    awaitState(t, "TASK_FAILED");
    JsonObject s = master.status(t);
    assertEquals("out_of_memory", s.getString("reason"));
    assertTrue(s.getString("message").startsWith("out of memory"), s.getString("message"));
  }

  @Test
  void killWaitsTheGracePeriodThenKills() throws Exception {
    String graceful = launch("trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 1; done", 32, 30);
    String stubborn = launch("trap '' TERM; echo up; while true; do sleep 1; done", 32, 1);
    awaitState(graceful, "TASK_RUNNING");
    awaitState(stubborn, "TASK_RUNNING");
    Poll.until("both to be up", WAIT, () -> {
      try {
        return logs(graceful, "stdout").equals("up\n") && logs(stubborn, "stdout").equals("up\n");
      } catch (Exception e) {
        return false;
      }
    });
    for (String t : List.of(graceful, stubborn)) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks/" + t + "?grace="
          + (t.equals(graceful) ? 30 : 1))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, r.statusCode());
    }
    awaitState(graceful, "TASK_KILLED");
    awaitState(stubborn, "TASK_KILLED");
    assertEquals(0, master.status(graceful).getInteger("exitCode"), "it ended on its own after SIGTERM");
    assertEquals("up\nbye\n", logs(graceful, "stdout"));
    assertEquals(137, master.status(stubborn).getInteger("exitCode"), "SIGKILL after the grace period");
  }

  @Test
  void aRestartedAgentReattachesToItsContainersAndRemovesUnknownOnes() throws Exception {
    String t = launch("echo before; sleep 300", 32, 1);
    awaitState(t, "TASK_RUNNING");
    String agentId = agent.agentId();
    long pid = agent.runningPids().get(t);
    // the agent process dies; its container goes on
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1, TestEngine.containersOf(engine, agentId).size());
    // a container labelled for this agent that its sandboxes do not know of
    String strayId = DockerExecutor.await(engine.create("upone-stray-" + UUID.randomUUID(), new JsonObject()
        .put("Image", TestEngine.IMAGE).put("Cmd", new JsonArray().add("sleep").add("300"))
        .put("Labels", new JsonObject().put(CreateBody.AGENT_LABEL, agentId).put(CreateBody.TASK_LABEL, "unknown-task"))
        .put("HostConfig", new JsonObject().put("NetworkMode", "host"))), 60);
    DockerExecutor.await(engine.start(strayId), 60);
    master.statuses.clear();
    startAgent();
    assertEquals(agentId, agent.agentId());
    assertEquals(Map.of(t, pid), agent.runningPids(), "the same container, re-attached");
    Poll.until("the stray to be removed", WAIT, () -> {
      try {
        return DockerExecutor.await(engine.inspect(strayId), 30) == null;
      } catch (IOException e) {
        return false;
      }
    });
    Poll.until("a heartbeat with the task running", WAIT,
        () -> master.heartbeatTasks().containsKey(t) && "TASK_RUNNING".equals(master.heartbeatTasks().get(t).getString("state")));
    assertEquals("before\n", logs(t, "stdout"));
    HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks/" + t + "?grace=0")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    awaitState(t, "TASK_KILLED");
  }
}
