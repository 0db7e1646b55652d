package io.upone.agent.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker executor against the real engine: each test's containers carry its own agent id. */
class DockerExecutorTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  DockerEngine engine;
  DockerExecutor exec;
  final String agentId = "agent-test-" + UUID.randomUUID();

  @BeforeEach
  void connect() {
    engine = TestEngine.connectOrSkip();
    exec = new DockerExecutor(engine, ContainerPolicy.DEFAULT, 1 << 20);
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    if (engine == null) return;
    try {
      Poll.until("the test's containers to be removed", WAIT, () -> {
        try {
          return TestEngine.containersOf(engine, agentId).isEmpty();
        } catch (IOException e) {
          return false;
        }
      });
    } finally {
      TestEngine.removeAll(engine, agentId);
      engine.close();
    }
  }

  TaskLaunch launch(String taskId, String cmd, double cpus, double mem, List<Integer> ports, TaskContainer c) {
    return new TaskLaunch(taskId, "/test/app", 1, agentId, cmd, List.of(), TestEngine.IMAGE, Map.of("FOO", "bar"), cpus, mem,
        0, ports, 2, c);
  }

  Map<String, String> env(TaskLaunch l) {
    Map<String, String> env = new HashMap<>(l.env());
    env.put("UPONE_AGENT_ID", agentId);
    env.put("UPONE_TASK_ID", l.taskId());
    env.put("MESOS_SANDBOX", "/host/side/path");
    for (int i = 0; i < l.hostPorts().size(); i++) env.put("PORT" + i, String.valueOf(l.hostPorts().get(i)));
    return env;
  }

  Executor.RunningTask run(TaskLaunch l) throws IOException {
    return exec.launch(l, dir.resolve(l.taskId()), env(l));
  }

  String stdout(TaskLaunch l) throws IOException {
    return Files.readString(dir.resolve(l.taskId()).resolve("stdout"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anHttpdContainerAnswersOnItsHostPortAndEndsWhenKilled() throws Exception {
    int port = freePort();
    TaskLaunch l = launch("httpd-" + UUID.randomUUID(), "exec httpd -f -p 127.0.0.1:$PORT0 -h /www", 0.1, 32,
        List.of(port), TaskContainer.HOST);
    Executor.RunningTask t = run(l);
    assertTrue(t.alive());
    assertTrue(t.pid() > 0, "the container's process is on this machine");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String[] body = new String[1];
    Poll.until("httpd to answer on " + port, WAIT, () -> {
      try {
        body[0] = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return true;
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals("hello from upone busybox\n", body[0]);
    // httpd as PID 1 ignores SIGTERM: what ends it is the SIGKILL after the grace period
    t.signal("TERM");
    t.signal("KILL");
    assertEquals(137, t.exit().get(60, TimeUnit.SECONDS));
    assertFalse(t.alive());
  }

  @Test
  void envAndAReadOnlyVolumeAreSeenInside() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.writeString(shared.resolve("greeting"), "hi from the host\n");
    TaskContainer c = new TaskContainer("HOST", List.of(), List.of(new TaskContainer.Mount("/data", shared.toString(), true)),
        List.of(), false, false, Map.of("team", "web"));
    TaskLaunch l = launch("env-" + UUID.randomUUID(), "echo \"foo=$FOO task=$UPONE_TASK_ID sandbox=$MESOS_SANDBOX\";"
        + " cat /data/greeting; if touch /data/x; then echo writable; else echo read-only; fi; echo out > $MESOS_SANDBOX/made",
        0.1, 32, List.of(), c);
    Executor.RunningTask t = run(l);
    assertEquals(0, t.exit().get(60, TimeUnit.SECONDS));
    assertEquals("foo=bar task=" + l.taskId() + " sandbox=/mnt/mesos/sandbox\nhi from the host\nread-only\n", stdout(l));
    assertTrue(Files.readString(dir.resolve(l.taskId()).resolve("stderr")).contains("Read-only file system"));
    assertFalse(Files.exists(shared.resolve("x")));
    assertEquals("out\n", Files.readString(dir.resolve(l.taskId()).resolve("made")), "the sandbox is mounted read-write");
    assertEquals(0, ProcessExecutor.readExit(dir.resolve(l.taskId())));
  }

  @Test
  void allocatingPastTheMemoryLimitIsAnOutOfMemoryKill() throws Exception {
    // dd's 64 MiB block is a buffer it fills from /dev/zero: past a 16 MiB limit
    TaskLaunch l = launch("oom-" + UUID.randomUUID(), "dd if=/dev/zero of=/dev/null bs=64M count=1", 0.1, 16, List.of(),
        TaskContainer.HOST);
    Executor.RunningTask t = run(l);
    assertEquals(137, t.exit().get(60, TimeUnit.SECONDS));
    assertTrue(t.outOfMemory());
    // within the limit the same program is fine
    TaskLaunch small = launch("fits-" + UUID.randomUUID(), "dd if=/dev/zero of=/dev/null bs=4M count=1", 0.1, 16, List.of(),
        TaskContainer.HOST);
    Executor.RunningTask s = run(small);
    assertEquals(0, s.exit().get(60, TimeUnit.SECONDS));
    assertFalse(s.outOfMemory());
  }

  @Test
  void theCpuShareIsAQuotaInTheContainersCgroup() throws Exception {
    TaskLaunch l = launch("cpu-" + UUID.randomUUID(), "sleep 300", 0.5, 32, List.of(), TaskContainer.HOST);
    Executor.RunningTask t = run(l);
    long[] quota = TestEngine.cpuQuota(t.pid());
    assertEquals(0.5, (double) quota[0] / quota[1], 1e-9, "quota " + quota[0] + " per period " + quota[1]);
    t.signal("KILL");
    t.exit().get(60, TimeUnit.SECONDS);
  }

  @Test
  void exitCodesOutputAndGracefulStop() throws Exception {
    TaskLaunch three = launch("exit-" + UUID.randomUUID(), "echo to-out; echo to-err >&2; exit 3", 0.1, 32, List.of(),
        TaskContainer.HOST);
    Executor.RunningTask t = run(three);
    assertEquals(3, t.exit().get(60, TimeUnit.SECONDS));
    assertEquals("to-out\n", stdout(three));
    assertEquals("to-err\n", Files.readString(dir.resolve(three.taskId()).resolve("stderr")));

    TaskLaunch graceful = launch("grace-" + UUID.randomUUID(),
        "trap 'echo stopping gracefully; exit 0' TERM; echo started; while true; do sleep 1; done", 0.1, 32, List.of(),
        TaskContainer.HOST);
    Executor.RunningTask g = run(graceful);
    // the output of a running container comes from the engine
    Poll.until("the container to say it started", WAIT, () -> {
      try {
        return new String(g.output("stdout").orElseThrow()).equals("started\n");
      } catch (IOException e) {
        return false;
      }
    });
    g.signal("TERM");
    assertEquals(0, g.exit().get(60, TimeUnit.SECONDS));
    assertEquals("started\nstopping gracefully\n", stdout(graceful));
    assertTrue(g.output("stdout").isEmpty(), "after the end, the sandbox has it");
  }

  @Test
  void argsRunWithTheImagesOwnEntrypoint() throws Exception {
    TaskLaunch l = new TaskLaunch("args-" + UUID.randomUUID(), "/test/app", 1, agentId, "", List.of("printf", "%s|", "a b", "$HOME"),
        TestEngine.IMAGE, Map.of(), 0.1, 32, 0, List.of(), 2, TaskContainer.HOST);
    assertEquals(0, run(l).exit().get(60, TimeUnit.SECONDS));
    assertEquals("a b|$HOME|", stdout(l));
  }

  @Test
  void networkNoneLeavesOnlyLoopback() throws Exception {
    TaskContainer none = new TaskContainer("NONE", List.of(), List.of(), List.of(), false, false, Map.of());
    TaskLaunch l = launch("none-" + UUID.randomUUID(), "ls /sys/class/net", 0.1, 32, List.of(), none);
    assertEquals(0, run(l).exit().get(60, TimeUnit.SECONDS));
    assertEquals("lo\n", stdout(l));
  }

  @Test
  void aMissingImageFailsTheLaunchWithAClearMessage() {
    TaskLaunch l = new TaskLaunch("noimg-" + UUID.randomUUID(), "/test/app", 1, agentId, "true", List.of(),
        "local/no-such-image:1", Map.of(), 0.1, 32, 0, List.of(), 2, TaskContainer.HOST);
    IOException e = assertThrows(IOException.class, () -> run(l));
    assertTrue(e.getMessage().startsWith("image local/no-such-image:1 is not on this agent and pulling it failed: "), e.getMessage());
  }

  @Test
  void theAgentsPolicyRefusesPrivilegesAndForbiddenMounts() {
    TaskContainer privileged = new TaskContainer("HOST", List.of(), List.of(), List.of(), true, false, Map.of());
    IOException e = assertThrows(IOException.class, () -> run(launch("priv-" + UUID.randomUUID(), "true", 0.1, 32, List.of(), privileged)));
    assertTrue(e.getMessage().contains("privileged"), e.getMessage());
    TaskContainer socket = new TaskContainer("HOST", List.of(), List.of(new TaskContainer.Mount("/s", engine.socketPath(), false)),
        List.of(), false, false, Map.of());
    e = assertThrows(IOException.class, () -> run(launch("sock-" + UUID.randomUUID(), "true", 0.1, 32, List.of(), socket)));
    assertTrue(e.getMessage().contains("which containers may not mount"), e.getMessage());
  }

  @Test
  void aNewExecutorReattachesToItsContainersAndRemovesStrays() throws Exception {
    TaskLaunch keep = launch("keep-" + UUID.randomUUID(), "sleep 300", 0.1, 32, List.of(), TaskContainer.HOST);
    TaskLaunch stray = launch("stray-" + UUID.randomUUID(), "sleep 300", 0.1, 32, List.of(), TaskContainer.HOST);
    Executor.RunningTask k = run(keep);
    Executor.RunningTask s = run(stray);
    // another executor, as after an agent restart: it finds the container it is told of
    DockerEngine engine2 = TestEngine.connectOrSkip();
    try {
      DockerExecutor again = new DockerExecutor(engine2, ContainerPolicy.DEFAULT, 1 << 20);
      Executor.RunningTask k2 = again.reattach(k.pid(), k.startedAt(), k.containerId(), dir.resolve(keep.taskId())).orElseThrow();
      assertEquals(k.pid(), k2.pid());
      assertTrue(k2.alive());
      assertEquals(Set.of(stray.taskId()), again.removeStrays(agentId, Set.of(keep.taskId())));
      assertEquals(1, TestEngine.containersOf(engine, agentId).size());
      assertTrue(s.exit().get(60, TimeUnit.SECONDS) == null || !s.alive());
      k2.signal("KILL");
      assertEquals(137, k2.exit().get(60, TimeUnit.SECONDS));
      // both executors follow the container here and both remove it: whichever comes second may finish first
      Poll.until("the container to be gone", WAIT,
          () -> again.reattach(k.pid(), k.startedAt(), k.containerId(), dir.resolve(keep.taskId())).isEmpty());
    } finally {
      engine2.close();
    }
  }

  @Test
  void theMultiplexedStreamIsSplitByItsHeaders() {
    io.vertx.core.buffer.Buffer b = io.vertx.core.buffer.Buffer.buffer();
    for (Object[] f : new Object[][] {{1, "out1\n"}, {2, "err\n"}, {1, "out2"}}) {
      byte[] p = ((String) f[1]).getBytes();
      b.appendByte((byte) (int) (Integer) f[0]).appendBytes(new byte[3]).appendInt(p.length).appendBytes(p);
    }
    LogFrames.Output o = LogFrames.decode(b);
    assertArrayEquals("out1\nout2".getBytes(), o.stdout());
    assertArrayEquals("err\n".getBytes(), o.stderr());
  }
}
