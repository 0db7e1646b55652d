package io.upone.agent.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.proto.TaskState;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "Why" 2: a scale-down just after an election wrote the extra tasks LOST
 * ({@code agent_unknown}) before their agent re-registered, and never killed them. A new leader's
 * kill for an agent not back yet now waits for it, and nothing is offered meanwhile.
 */
class ReRegistrationTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final Vertx agentVertx = Vertx.vertx();
  volatile NativeDriver current;
  volatile boolean partitioned;

  @AfterEach
  void stop() throws Exception {
    agentVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aKillForAnAgentNotBackYetWaitsForItAndNothingIsOfferedMeanwhile() throws Exception {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create());
    r.post("/v1/agents/heartbeat").handler(c -> {
      if (partitioned) {
        c.response().setStatusCode(503).end(); // no leader: the agent cannot register
        return;
      }
      current.heartbeat(c.body().asJsonObject(), a -> c.json(a));
    });
    r.post("/v1/agents/status").handler(c -> current.status(c.body().asJsonObject(), () -> c.response().setStatusCode(202).end()));
    HttpServer masters = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(20, TimeUnit.SECONDS);

    NativeDriver first = new NativeDriver(vertx, vertx.getOrCreateContext(), 100, 60_000);
    HeardListener firstHeard = new HeardListener();
    first.leaderTerm(1);
    first.start(firstHeard);
    first.revive();
    current = first;
    AgentConfig ac = new AgentConfig("http://127.0.0.1:" + masters.actualPort(),
        new Resources(2, 1024, 1000, List.of(new PortRange(31800, 31899))), Map.of(), dir.resolve("agent"), "host-a",
        "127.0.0.1", 0, 100, 1 << 20);
    Agent agent = new Agent(ac, new ProcessExecutor()).killTasksOnStop(true);
    agentVertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Poll.until("an offer", WAIT, () -> !firstHeard.offers.isEmpty());
    first.launch(firstHeard.offers.get(0).offerId(), List.of(new TaskLaunch("extra", "/web", 1, agent.agentId(),
        "sleep 600", List.of(), "", Map.of(), 0.1, 16, 0, List.of(31800), 1, TaskContainer.HOST)));
    Poll.until("the task runs", WAIT, () -> agent.runningPids().containsKey("extra"));

    // the leader changes; the agent cannot reach the new one for a while
    partitioned = true;
    first.stop();
    NativeDriver next = new NativeDriver(vertx, vertx.getOrCreateContext(), 100, 60_000);
    HeardListener nextHeard = new HeardListener();
    next.leaderTerm(2);
    current = next;
    next.start(nextHeard);
    next.reconcile(List.of(new ClusterDriver.TaskRef("extra", agent.agentId())));
    next.revive();
    // a scale-down lands at once: the kill must not be given up as LOST while the process runs
    next.kill(agent.agentId(), "extra", 1);
    int beats = agentHeartbeats(agent);
    Poll.until("a few unanswered heartbeats", WAIT, () -> agentHeartbeats(agent) >= beats + 3);
    assertTrue(nextHeard.reports.stream().noneMatch(x -> x.state() == TaskState.TASK_LOST),
        "the task is not given up as LOST while its agent is away: " + nextHeard.reports);
    assertTrue(nextHeard.offers.isEmpty(), "no offers before the log's agents are back");

    // the agent comes back: the kill goes out, the process ends, its end is reported
    partitioned = false;
    Poll.until("killed", WAIT, () -> nextHeard.reportOf("extra") != null
        && nextHeard.reportOf("extra").state() == TaskState.TASK_KILLED);
    assertTrue(!agent.runningPids().containsKey("extra"));
    Poll.until("offers once the agents are back", WAIT, () -> !nextHeard.offers.isEmpty());
    assertEquals(2, agent.leaderTerm());
  }

  /** Heartbeats the agent has sent, answered or not. */
  private static int agentHeartbeats(Agent agent) {
    return agent.heartbeatsSent();
  }
}
