package io.upone.agent.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.Executor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine restarting under a running container (dockerd runs with --live-restore): the
 * container goes on and the executor, whose wait was cut off, follows it again. Restarts the
 * engine scripts/setup-docker.sh started, so it runs only where that engine is the one in use.
 */
class EngineRestartTest {
  static final Path PIDFILE = Path.of("/tmp/ctr/dockerd.pid");
  static final Path SETUP = Path.of("../../scripts/setup-docker.sh");
  @TempDir Path dir;

  @Test
  void aContainerOutlivesAnEngineRestartAndIsStillFollowed() throws Exception {
    DockerEngine engine = TestEngine.connectOrSkip();
    Assumptions.assumeTrue(engine.socketPath().equals(DockerEngine.PROJECT_SOCKET) && Files.exists(PIDFILE)
        && Files.isExecutable(SETUP), "skipped: the engine in use is not the one scripts/setup-docker.sh started");
    String agentId = "agent-restart-" + UUID.randomUUID();
    DockerExecutor exec = new DockerExecutor(engine, ContainerPolicy.DEFAULT, 1 << 20);
    TaskLaunch l = new TaskLaunch("restart-" + UUID.randomUUID(), "/t/app", 1, agentId, "echo up; sleep 300", List.of(),
        TestEngine.IMAGE, Map.of(), 0.1, 32, 0, List.of(), 1, TaskContainer.HOST);
    Executor.RunningTask t = exec.launch(l, dir.resolve("s"), Map.of("UPONE_AGENT_ID", agentId));
    try {
      long dockerd = Long.parseLong(Files.readString(PIDFILE).trim());
      ProcessHandle.of(dockerd).orElseThrow().destroy(); // SIGTERM
      ProcessHandle.of(dockerd).ifPresent(h -> h.onExit().join());
      assertTrue(t.alive(), "the executor does not take an engine gone for its container gone");
      Process setup = new ProcessBuilder(SETUP.toString()).redirectErrorStream(true).start();
      String out = new String(setup.getInputStream().readAllBytes());
      assertEquals(0, setup.waitFor(), out);
      JsonObject c = DockerExecutor.await(engine.inspect(t.containerId()), 30);
      assertEquals(t.pid(), c.getJsonObject("State").getLong("Pid"), "the same process, kept by live-restore");
      assertTrue(c.getJsonObject("State").getBoolean("Running"));
      // the executor's wait was cut off with the engine: it must be following the container again
      Poll.until("the executor to wait on the new engine", Duration.ofSeconds(30), () -> {
        t.signal("KILL");
        return t.exit().isDone();
      });
      assertEquals(137, t.exit().get(60, TimeUnit.SECONDS));
      assertEquals("up\n", Files.readString(dir.resolve("s").resolve("stdout")));
    } finally {
      TestEngine.removeAll(engine, agentId);
      engine.close();
    }
  }
}
