package io.upone.server;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Resources;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real agents on loopback for end-to-end tests, each in its own Vert.x, heartbeating every 200 ms. */
final class TestAgents implements AutoCloseable {
  final Map<String, Vertx> vertx = new HashMap<>();
  final Map<String, Agent> agents = new HashMap<>();
  private final Path dir;

  TestAgents(Path dir) {
    this.dir = dir;
  }

  /** @param masters one master URL, or several separated by commas (the agent follows the leader) */
  Agent start(String masters, String name, String resources) throws Exception {
    return start(masters, name, resources, "host-" + name);
  }

  /** An agent whose tasks are reachable at {@code hostname} (load-balancer tests need a real address). */
  Agent start(String masters, String name, String resources, String hostname) throws Exception {
    AgentConfig ac = new AgentConfig(masters, Resources.parse(resources), Map.of("rack", name),
        dir.resolve("agent-" + name), hostname, "127.0.0.1", 0, 200, 1 << 20);
    Vertx v = Vertx.vertx();
    Agent agent = new Agent(ac, new ProcessExecutor());
    v.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.put(name, v);
    agents.put(name, agent);
    return agent;
  }

  /** Stops an agent the way a machine dies: its processes keep running, it just goes silent. */
  void silence(String name) throws Exception {
    vertx.remove(name).close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Stops every agent, then ends the tasks they left running (silenced agents' too). */
  @Override
  public void close() throws Exception {
    for (Vertx v : vertx.values()) v.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.clear();
    for (String name : agents.keySet()) Procs.endGroupsUnder(dir.resolve("agent-" + name));
  }
}
