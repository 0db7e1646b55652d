package io.upone.agent.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Offer;
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
 * Fencing end to end on the agent protocol: a leader of term 3 that was deposed (a term-4 leader
 * now drives the agent, and the agent heard of it) but does not know it yet tries to launch and to
 * kill. The real agent refuses both; nothing of the deposed leader's runs.
 */
class DeposedLeaderTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final Vertx agentVertx = Vertx.vertx();
  volatile NativeDriver current;

  @AfterEach
  void stop() throws Exception {
    agentVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private TaskLaunch launch(String taskId, String agentId) {
    return new TaskLaunch(taskId, "/fence/app", 1, agentId, "sleep 600", List.of(), "", Map.of(), 0.1, 16, 0, List.of(),
        1, TaskContainer.HOST);
  }

  @Test
  void aDeposedLeaderCanNeitherLaunchNorKill() throws Exception {
    // the masters' endpoint: whichever driver leads now answers the agent
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create());
    r.post("/v1/agents/heartbeat").handler(c -> current.heartbeat(c.body().asJsonObject(), a -> {
      if (a == null) c.response().setStatusCode(503).end();
      else c.json(a);
    }));
    r.post("/v1/agents/status").handler(c -> current.status(c.body().asJsonObject(), () -> c.response().setStatusCode(202).end()));
    HttpServer masters = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(20, TimeUnit.SECONDS);

    NativeDriver old = new NativeDriver(vertx, vertx.getOrCreateContext(), 100, 5000);
    HeardListener oldHeard = new HeardListener();
    old.leaderTerm(3);
    old.start(oldHeard);
    old.revive();
    current = old;

    AgentConfig ac = new AgentConfig("http://127.0.0.1:" + masters.actualPort(),
        new Resources(2, 1024, 1000, List.of(new PortRange(31700, 31799))), Map.of(), dir.resolve("agent"), "host-a",
        "127.0.0.1", 0, 100, 1 << 20);
    Agent agent = new Agent(ac, new ProcessExecutor()).killTasksOnStop(true);
    agentVertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Poll.until("an offer to the term-3 leader", WAIT, () -> !oldHeard.offers.isEmpty());

    // term 3 launches one task while it leads
    old.launch(oldHeard.offers.get(0).offerId(), List.of(launch("before", agent.agentId())));
    Poll.until("the term-3 task runs", WAIT, () -> agent.runningPids().containsKey("before"));
    Poll.until("a second offer to the term-3 leader", WAIT, () -> oldHeard.offers.size() >= 2);
    Offer held = oldHeard.offers.get(oldHeard.offers.size() - 1); // what it will launch on once deposed

    // a new leader (term 4) takes over; the agent learns its term from the next heartbeat answer
    NativeDriver next = new NativeDriver(vertx, vertx.getOrCreateContext(), 100, 5000);
    HeardListener nextHeard = new HeardListener();
    next.leaderTerm(4);
    next.start(nextHeard);
    next.revive();
    current = next;
    Poll.until("the agent follows term 4", WAIT, () -> agent.leaderTerm() == 4);
    Poll.until("an offer to the term-4 leader", WAIT, () -> !nextHeard.offers.isEmpty());

    // the deposed leader still believes it leads: its launch and its kill are refused
    old.launch(held.offerId(), List.of(launch("deposed", agent.agentId())));
    Poll.until("the deposed launch is refused", WAIT, () -> oldHeard.reportOf("deposed") != null);
    assertEquals(TaskState.TASK_LOST, oldHeard.reportOf("deposed").state());
    assertTrue(oldHeard.reportOf("deposed").message().contains("409"), oldHeard.reportOf("deposed").message());
    old.kill(agent.agentId(), "before", 1);

    // the new leader's own launch runs; nothing of the deposed one does, and its kill did nothing
    next.launch(nextHeard.offers.get(0).offerId(), List.of(launch("after", agent.agentId())));
    Poll.until("the term-4 task runs", WAIT, () -> agent.runningPids().containsKey("after"));
    assertTrue(agent.runningPids().containsKey("before"), "the deposed leader's kill was refused");
    assertTrue(!agent.runningPids().containsKey("deposed"));
  }
}
