package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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

/** An agent refuses a deposed leader's commands, and ends tasks its master replaced or lost. */
class AgentFencingTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;
  MasterDouble master;
  Vertx vertx;
  Agent agent;

  @BeforeEach
  void startMaster() throws Exception {
    master = new MasterDouble();
  }

  void startAgent(Duration killAfterMasterLoss) throws Exception {
    vertx = Vertx.vertx();
    AgentConfig ac = new AgentConfig(master.url(), new Resources(2, 1024, 1000, List.of(new PortRange(31600, 31699))),
        Map.of(), dir.resolve("agent"), "host-a", "127.0.0.1", 0, 100, 1 << 20);
    agent = new Agent(ac, new ProcessExecutor()).killTasksOnStop(true).killTasksAfterMasterLoss(killAfterMasterLoss);
    vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Poll.until("a heartbeat", WAIT, () -> master.lastHeartbeat != null);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    master.close();
  }

  HttpResponse<String> launch(String taskId, Long term) throws Exception {
    TaskLaunch l = new TaskLaunch(taskId, "/f/app", 1, agent.agentId(), "sleep 600", List.of(), "", Map.of(), 0.1, 16, 0,
        List.of(), 2, TaskContainer.HOST);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonArray().add(Wire.launch(l)).encode()));
    if (term != null) b.header(LeaderTerms.HEADER, term.toString());
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> kill(String taskId, long term) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/v1/tasks/" + taskId + "?grace=1"))
        .DELETE().header(LeaderTerms.HEADER, Long.toString(term)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String id() {
    return "t-" + UUID.randomUUID();
  }

  @Test
  void aCommandFromAnOlderTermIsRefusedAndNothingRuns() throws Exception {
    startAgent(Duration.ZERO);
    String current = id();
    assertEquals(202, launch(current, 5L).statusCode());
    Poll.until("running", WAIT, () -> "TASK_RUNNING".equals(master.state(current)));

    String stale = id();
    HttpResponse<String> refused = launch(stale, 4L);
    assertEquals(409, refused.statusCode());
    assertEquals("stale_term", new JsonObject(refused.body()).getString("code"));
    assertEquals(409, kill(current, 4).statusCode(), "a deposed leader cannot kill either");
    assertTrue(agent.runningPids().containsKey(current));
    assertTrue(!agent.runningPids().containsKey(stale) && !master.heartbeatTasks().containsKey(stale));
    assertEquals(202, kill(current, 5).statusCode());
    Poll.until("killed", WAIT, () -> "TASK_KILLED".equals(master.state(current)));
  }

  @Test
  void theAgentLearnsTheLeadersTermFromHeartbeatAnswers() throws Exception {
    startAgent(Duration.ZERO);
    master.answer = new JsonObject().put("term", 9);
    Poll.until("term 9 learnt", WAIT, () -> agent.leaderTerm() == 9);
    assertEquals(409, launch(id(), 8L).statusCode(), "the old leader, cut off, still thinks it leads in term 8");
    String t = id();
    assertEquals(202, launch(t, 9L).statusCode());
    // running before the agent stops: a launch still starting then would outlive the test
    Poll.until("running", WAIT, () -> agent.runningPids().containsKey(t));
  }

  @Test
  void tasksTheMasterSaysToKillEndAtOnce() throws Exception {
    startAgent(Duration.ZERO);
    String t = id();
    assertEquals(202, launch(t, null).statusCode());
    Poll.until("running", WAIT, () -> "TASK_RUNNING".equals(master.state(t)));
    master.answer = new JsonObject().put("kill", new JsonArray().add(new JsonObject().put("taskId", t).put("grace", 1)));
    Poll.until("killed", WAIT, () -> "TASK_KILLED".equals(master.state(t)));
  }

  /**
   * Kills also travel in heartbeat answers (repeated until the task has ended). A deposed leader
   * that an agent still reaches answers with its old term: its kills (and forgets) are refused
   * like its commands, and the agent looks for the leader elsewhere.
   */
  @Test
  void killsInAHeartbeatAnswerOfAnOlderTermAreRefused() throws Exception {
    startAgent(Duration.ZERO);
    String t = id();
    assertEquals(202, launch(t, 5L).statusCode());
    Poll.until("running", WAIT, () -> "TASK_RUNNING".equals(master.state(t)));
    JsonArray kill = new JsonArray().add(new JsonObject().put("taskId", t).put("grace", 1));
    master.answer = new JsonObject().put("term", 4).put("kill", kill);
    int seen = master.heartbeats.get();
    Poll.until("ten answers from the deposed leader", WAIT, () -> master.heartbeats.get() >= seen + 10);
    assertTrue(agent.runningPids().containsKey(t), "a deposed leader's heartbeat answer killed a task");
    assertEquals(5, agent.leaderTerm());
    master.answer = new JsonObject().put("term", 5).put("kill", kill);
    Poll.until("killed by the current leader", WAIT, () -> "TASK_KILLED".equals(master.state(t)));
  }

  @Test
  void withTheSettingAnAgentWithoutMasterKillsItsTasks() throws Exception {
    startAgent(Duration.ofMillis(300));
    String t = id();
    assertEquals(202, launch(t, null).statusCode());
    Poll.until("running", WAIT, () -> agent.runningPids().containsKey(t));
    master.down = true;
    Poll.until("killed after losing the master", WAIT, () -> agent.runningPids().isEmpty());
  }

  @Test
  void byDefaultAnAgentWithoutMasterKeepsItsTasks() throws Exception {
    startAgent(Duration.ZERO);
    String t = id();
    assertEquals(202, launch(t, null).statusCode());
    Poll.until("running", WAIT, () -> agent.runningPids().containsKey(t));
    master.down = true;
    int seen = master.heartbeats.get();
    Poll.until("ten unanswered heartbeats", WAIT, () -> master.heartbeats.get() >= seen + 10);
    assertTrue(agent.runningPids().containsKey(t), "Mesos's keep-running: tasks outlive the master");
  }
}
