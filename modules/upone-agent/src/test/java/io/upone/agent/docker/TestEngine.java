package io.upone.agent.docker;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engine the container tests use (scripts/setup-docker.sh starts one). Without
 * an engine the tests skip, except on CI (CI=true), where a missing engine is a failure.
 */
public final class TestEngine {
  public static final String IMAGE = System.getenv().getOrDefault("UPONE_TEST_IMAGE", "local/busybox:1");

  private TestEngine() {}

  public static DockerEngine connectOrSkip() {
    Optional<String> socket = DockerEngine.locate(System.getenv());
    String[] why = {"no Docker engine socket (DOCKER_HOST, " + DockerEngine.DEFAULT_SOCKET + ", " + DockerEngine.PROJECT_SOCKET + ")"};
    Optional<DockerEngine> engine = socket.flatMap(s -> DockerEngine.connect(s, why));
    String hint = "; run scripts/setup-docker.sh (as root) for a local engine";
    if (engine.isEmpty()) unavailable(why[0] + hint);
    try {
      if (!DockerExecutor.await(engine.get().imagePresent(IMAGE), 30)) {
        engine.get().close();
        unavailable("the engine has no image " + IMAGE + hint);
      }
    } catch (IOException e) {
      engine.get().close();
      unavailable("the engine does not answer: " + e.getMessage());
    }
    return engine.get();
  }

  private static void unavailable(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs a Docker engine: " + why);
    Assumptions.assumeTrue(false, "skipped: " + why);
  }

  /** Every container (running or not) labelled with this agent id. */
  public static JsonArray containersOf(DockerEngine engine, String agentId) throws IOException {
    return DockerExecutor.await(engine.listByLabel(CreateBody.AGENT_LABEL, agentId), 30);
  }

  public static void removeAll(DockerEngine engine, String agentId) throws IOException {
    for (Object o : containersOf(engine, agentId)) {
      DockerExecutor.await(engine.remove(((io.vertx.core.json.JsonObject) o).getString("Id")), 60);
    }
  }

  /** The CPU quota (µs per period) and period of a process's cgroup, from the host's side: cgroup v1 or v2. */
  public static long[] cpuQuota(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] f = line.split(":", 3);
      if (java.util.Arrays.asList(f[1].split(",")).contains("cpu")) {
        Path dir = Path.of("/sys/fs/cgroup/cpu" + f[2]);
        return new long[] {Long.parseLong(Files.readString(dir.resolve("cpu.cfs_quota_us")).trim()),
            Long.parseLong(Files.readString(dir.resolve("cpu.cfs_period_us")).trim())};
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      if (line.startsWith("0::")) {
        String[] max = Files.readString(Path.of("/sys/fs/cgroup" + line.substring(3), "cpu.max")).trim().split(" ");
        return new long[] {max[0].equals("max") ? -1 : Long.parseLong(max[0]), Long.parseLong(max[1])};
      }
    }
    throw new IOException("no cpu cgroup for pid " + pid);
  }
}
