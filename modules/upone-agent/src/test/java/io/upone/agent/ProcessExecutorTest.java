package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.TaskLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessExecutorTest {
  @TempDir Path dir;
  final ProcessExecutor exec = new ProcessExecutor();
  final String marker = "upone-exec-test-" + UUID.randomUUID();

  @AfterEach
  void noStrays() {
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static TaskLaunch cmd(String cmd) {
    return new TaskLaunch("t1", "/a", 1, "agent", cmd, List.of(), "", Map.of(), 0.1, 16, 0, List.of(31000), 3);
  }

  @Test
  void exitCodeEnvAndOutputAreCaptured() throws Exception {
    Executor.RunningTask t = exec.launch(cmd("echo \"port=$PORT0 task=$UPONE_TASK_ID\"; echo oops >&2; exit 3"),
        dir.resolve("s1"), Map.of("PORT0", "31000", "UPONE_TASK_ID", "t1"));
    assertEquals(3, t.exit().get(10, TimeUnit.SECONDS));
    assertEquals("port=31000 task=t1\n", Files.readString(dir.resolve("s1/stdout")));
    assertEquals("oops\n", Files.readString(dir.resolve("s1/stderr")));
    assertEquals(3, ProcessExecutor.readExit(dir.resolve("s1")));
  }

  @Test
  void argsRunWithoutAShell() throws Exception {
    TaskLaunch l = new TaskLaunch("t2", "/a", 1, "agent", "", List.of("printf", "%s|", "a b", "$HOME"), "", Map.of(),
        0.1, 16, 0, List.of(), 3);
    Executor.RunningTask t = exec.launch(l, dir.resolve("s2"), Map.of());
    assertEquals(0, t.exit().get(10, TimeUnit.SECONDS));
    assertEquals("a b|$HOME|", Files.readString(dir.resolve("s2/stdout")));
  }

  @Test
  void killEndsTheWholeProcessGroup() throws Exception {
    // the task starts children of its own; all must end with it
    Executor.RunningTask t = exec.launch(cmd("sleep 300 & sleep 301 & wait; true # " + marker), dir.resolve("s3"), Map.of());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (descendants(t.pid()) < 3 && System.nanoTime() < deadline) Thread.onSpinWait();
    assertTrue(descendants(t.pid()) >= 3, "the task and its children run");
    List<ProcessHandle> family = ProcessHandle.of(t.pid()).orElseThrow().descendants().toList();
    t.signal("TERM");
    assertNull(t.exit().get(10, TimeUnit.SECONDS), "killed by a signal: no exit code");
    for (ProcessHandle p : family) p.onExit().get(10, TimeUnit.SECONDS);
    assertTrue(family.stream().noneMatch(ProcessHandle::isAlive));
    assertFalse(t.alive());
  }

  @Test
  void reattachFindsARunningTaskAndRefusesAReusedPid() throws Exception {
    Executor.RunningTask t = exec.launch(cmd("sleep 300; true # " + marker), dir.resolve("s4"), Map.of());
    assertTrue(exec.reattach(t.pid(), t.startedAt(), dir.resolve("s4")).isPresent());
    assertTrue(exec.reattach(t.pid(), t.startedAt().minusSeconds(3600), dir.resolve("s4")).isEmpty(),
        "a different start time means a different process");
    t.signal("KILL");
    t.exit().get(10, TimeUnit.SECONDS);
    assertTrue(exec.reattach(t.pid(), t.startedAt(), dir.resolve("s4")).isEmpty());
  }

  @Test
  void imagesNeedAContainerEngine() {
    TaskLaunch l = new TaskLaunch("t5", "/a", 1, "agent", "", List.of(), "nginx:1.25", Map.of(), 0.1, 16, 0, List.of(), 3);
    assertFalse(exec.accepts(l));
  }

  @Test
  void logsAreCappedByRotation() throws Exception {
    Path out = dir.resolve("stdout");
    Files.writeString(out, "x".repeat(2000));
    LogCap.rotateIfOver(out, 1000);
    assertEquals(0, Files.size(out));
    assertEquals(2000, Files.size(dir.resolve("stdout.1")));
    Files.writeString(out, "small");
    LogCap.rotateIfOver(out, 1000);
    assertEquals("small", Files.readString(out));
  }

  private static long descendants(long pid) {
    return ProcessHandle.of(pid).map(h -> h.descendants().count()).orElse(0L);
  }
}
