package io.upone.agent;

import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An agent in a JVM of its own, for tests that kill it with SIGKILL the way a crash or the OOM
 * killer would. Arguments: master URL, work dir, orphan grace in ms. Runs until killed.
 */
public final class AgentProcess {
  /** Printed once the agent listens, followed by its URL. */
  static final String URL_LINE = "agent-process-listening ";

  private AgentProcess() {}

  /** The command that runs one, on the test's own classpath. */
  static List<String> command(String masterUrl, Path workDir, long orphanGraceMs) {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        AgentProcess.class.getName(), masterUrl, workDir.toString(), Long.toString(orphanGraceMs));
  }

  public static void main(String[] args) throws Exception {
    AgentConfig ac = new AgentConfig(args[0], new Resources(2, 1024, 1000, List.of(new PortRange(31600, 31699))),
        Map.of(), Path.of(args[1]), "host-a", "127.0.0.1", 0, 100, 1 << 20);
    Agent agent = new Agent(ac, new ProcessExecutor()).orphanGrace(Duration.ofMillis(Long.parseLong(args[2])));
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.out.println(URL_LINE + agent.url());
    Thread.currentThread().join(); // until killed
  }
}
