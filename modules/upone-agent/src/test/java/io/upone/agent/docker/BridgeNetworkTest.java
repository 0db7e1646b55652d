package io.upone.agent.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.upone.agent.exec.Executor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BRIDGE networking, tested where it can be without touching the machine's network: an engine
 * with a bridge inside a network namespace this test creates (scripts/docker-in-netns.sh). The
 * published port is reached from inside that namespace.
 */
class BridgeNetworkTest {
  static final Path SCRIPT = Path.of("../../scripts/docker-in-netns.sh");
  @TempDir Path dir;
  final String netns = "upone-br-" + UUID.randomUUID().toString().substring(0, 8);
  DockerEngine engine;

  @BeforeEach
  void startEngineInItsOwnNamespace() throws Exception {
    String missing = !"root".equals(System.getProperty("user.name")) ? "not root"
        : !Files.isExecutable(Path.of("/usr/sbin/dockerd")) ? "no /usr/sbin/dockerd"
        : !Files.isExecutable(Path.of("/bin/busybox")) ? "no /bin/busybox (busybox-static)"
        : !Files.isExecutable(SCRIPT) ? "no " + SCRIPT : null;
    if (missing != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs an engine in a network namespace: " + missing);
      Assumptions.assumeTrue(false, "skipped: " + missing + "; run scripts/setup-docker.sh as root");
    }
    String out = run(SCRIPT.toString(), "start", netns).trim();
    String socket = out.substring(out.lastIndexOf('\n') + 1);
    String[] why = new String[1];
    Optional<DockerEngine> e = DockerEngine.connect(socket, why);
    if (e.isEmpty()) fail(why[0]);
    engine = e.get();
  }

  @AfterEach
  void removeTheNamespace() throws Exception {
    try {
      if (engine != null) engine.close();
    } finally {
      run(SCRIPT.toString(), "stop", netns);
    }
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    return out;
  }

  @Test
  void aContainerPortIsPublishedOnTheTasksHostPort() throws Exception {
    String agentId = "agent-bridge-" + UUID.randomUUID();
    DockerExecutor exec = new DockerExecutor(engine, ContainerPolicy.DEFAULT, 1 << 20);
    int hostPort = 31080;
    TaskContainer bridge = new TaskContainer("BRIDGE", List.of(new TaskContainer.PortMap(80, "tcp")), List.of(), List.of(),
        false, false, Map.of());
    TaskLaunch l = new TaskLaunch("bridge-" + UUID.randomUUID(), "/t/web", 1, agentId,
        "echo \"port=$PORT0 interfaces=$(ls /sys/class/net | tr '\\n' ' ')\"; exec httpd -f -p 80 -h /www", List.of(),
        TestEngine.IMAGE, Map.of(), 0.1, 32, 0, List.of(hostPort), 1, bridge);
    Executor.RunningTask t = exec.launch(l, dir.resolve("s"), Map.of("UPONE_AGENT_ID", agentId, "PORT0", String.valueOf(hostPort)));
    String[] body = {""};
    Poll.until("httpd behind host port " + hostPort + " in " + netns, Duration.ofSeconds(60), () -> {
      try {
        body[0] = run("nsenter", "--net=/run/netns/" + netns, "/bin/busybox", "wget", "-qO-", "http://127.0.0.1:" + hostPort + "/");
        return true;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    });
    assertEquals("hello from upone busybox\n", body[0]);
    assertEquals("port=" + hostPort + " interfaces=eth0 lo \n", new String(t.output("stdout").orElseThrow()));
    t.signal("KILL");
    assertEquals(137, t.exit().get(60, TimeUnit.SECONDS));
    assertEquals(0, TestEngine.containersOf(engine, agentId).size());
  }
}
