package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make cluster} / {@code make cluster-stop} ({@code scripts/cluster.sh}) as a user runs
 * them, with this build's classes instead of the jar and ports of their own: three nodes and
 * two agents come up and the leader is printed; stop leaves no node, agent or task process.
 */
class ClusterScriptTest {
  private static final Path ROOT = root();
  @TempDir Path dir;
  final String marker = "upone-test-" + UUID.randomUUID();
  Map<String, String> env;

  @AfterEach
  void cleanUp() throws Exception {
    if (env != null) script("stop");
    Procs.cleanUp(marker);
    Procs.cleanUp(dir.toRealPath().toString());
  }

  private record Ran(int code, String out) {}

  private Ran script(String command) throws Exception {
    ProcessBuilder b = new ProcessBuilder("bash", ROOT.resolve("scripts/cluster.sh").toString(), command)
        .redirectErrorStream(true);
    b.environment().putAll(env);
    Process p = b.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "cluster.sh " + command + " finished");
    return new Ran(p.exitValue(), out);
  }

  /** A base port with base+1..base+3 free. */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      boolean free = true;
      for (int i = 1; i <= 3 && free; i++) {
        try (ServerSocket s = new ServerSocket(base + i, 1, java.net.InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) return base;
    }
    throw new IOException("no free port range");
  }

  @Test
  void startsThreeNodesAndTwoAgentsAndStopEndsEveryProcessItStarted() throws Exception {
    int http = freeBase();
    int raft = freeBase();
    int agent = freeBase();
    env = Map.of("UPONE_RUN_DIR", dir.resolve("run").toString(), "UPONE_HTTP_BASE", String.valueOf(http),
        "UPONE_RAFT_BASE", String.valueOf(raft), "UPONE_AGENT_BASE", String.valueOf(agent),
        "UPONE_CLASSPATH", System.getProperty("java.class.path"), "UPONE_WAIT_S", "120",
        // five JVMs start at once: C1 only and a small heap keep that quick on a small machine
        "JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dcom.google.protobuf.use_unsafe_pre22_gencode");
    Ran start = script("start");
    assertEquals(0, start.code, start.out);
    Matcher m = Pattern.compile("leader: (http://127\\.0\\.0\\.1:\\d+)").matcher(start.out);
    assertTrue(m.find(), start.out);
    String leader = m.group(1);
    assertTrue(List.of(http + 1, http + 2, http + 3).contains(Integer.parseInt(leader.substring(leader.lastIndexOf(':') + 1))));
    assertTrue(start.out.contains("agents registered: 2"), start.out);

    TestNode.Resp app = TestNode.request(leader, "POST", "/v1/apps", "{\"id\": \"/demo/sleepy\", \"cmd\": \"sleep 600 & sleep 601; wait # "
        + marker + "\", \"instances\": 2, \"cpus\": 0.1, \"mem\": 16}", "application/json");
    assertEquals(201, app.status(), app.body());
    TestNode.await("the tasks' processes run", Duration.ofSeconds(120), () -> Procs.pids("sleep 60").stream()
        .anyMatch(pid -> cwdUnder(pid, dir)) && Procs.pids(marker).size() >= 2);
    assertTrue(script("status").out.contains("leader: "));

    Ran stop = script("stop");
    assertEquals(0, stop.code, stop.out);
    assertTrue(stop.out.contains("ended 2 task process group(s)"), stop.out);
    String run = dir.resolve("run").toRealPath().toString();
    assertEquals(List.of(), Procs.pids(marker), "task processes left");
    assertEquals(List.of(), Procs.pids(run + "/"), "nodes or agents left");
    assertTrue(ProcessHandle.allProcesses().noneMatch(p -> cwdUnder(p.pid(), dir)), "processes left in the sandboxes");
    env = null;
  }

  private static boolean cwdUnder(long pid, Path dir) {
    try {
      return Procs.workingUnder(pid, dir.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  private static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("scripts/cluster.sh"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("run from inside the repository");
    return p;
  }
}
