package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.ProcStat;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.testing.Poll;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog process itself, with the test as its agent: what it ends, what it must spare
 * (a pid now naming another process, a forgotten task), SIGKILL for a task deaf to SIGTERM,
 * and how agents hand it over or stop it.
 */
class OrphanWatchdogScriptTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final List<Process> own = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .forEach(ProcessHandle::destroyForcibly);
    for (Process p : own) {
      // the whole group while its leader, our unreaped child, still holds the pid: sleep included
      if (p.isAlive()) OrphanWatchdogTest.signalGroup(p.pid(), "KILL");
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A process group of its own (pid == pgid), as the process executor starts tasks. */
  Process group(String script) throws Exception {
    Process p = new ProcessBuilder("setsid", "bash", "-c", script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    own.add(p);
    Poll.until("group " + p.pid() + " started", WAIT, () -> OrphanWatchdogTest.groupAliveUnchecked(p.pid()));
    return p;
  }

  Path sandbox(String taskId, long pid, long ticks, int graceSeconds) throws Exception {
    Path s = Files.createDirectories(dir.resolve("agent/sandboxes").resolve(taskId));
    Files.writeString(s.resolve(ProcessExecutor.GROUP_FILE), pid + " " + ticks + " " + graceSeconds + "\n");
    return s;
  }

  static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  @Test
  void endsTheRecordedGroupsAndNothingElse() throws Exception {
    // deaf to SIGTERM (the ignore is inherited by sleep): only the SIGKILL after its grace ends it
    Process stubborn = group("trap '' TERM; sleep 600; true");
    Process reused = group("sleep 600; true");
    Process forgotten = group("sleep 600; true");
    Path s1 = sandbox("stubborn", stubborn.pid(), ProcStat.startTicks(stubborn.pid()).orElseThrow(), 1);
    // the record names this pid, but a process that started at another time: the pid was reused
    sandbox("reused", reused.pid(), ProcStat.startTicks(reused.pid()).orElseThrow() + 1, 1);
    Path s3 = sandbox("forgotten", forgotten.pid(), ProcStat.startTicks(forgotten.pid()).orElseThrow(), 1);
    Files.writeString(s3.resolve(Agent.DONE), "TASK_FINISHED");

    OrphanWatchdog w = new OrphanWatchdog(dir.resolve("agent"), Duration.ofMillis(500));
    w.renew(); // once, then this "agent" is gone
    long watchdogPid = w.current().orElseThrow().pid();

    Poll.until("the watchdog exited", WAIT, () -> gone(watchdogPid));
    assertTrue(stubborn.waitFor(30, TimeUnit.SECONDS), "the recorded group ended");
    Poll.until("nothing left of the stubborn group", WAIT, () -> !OrphanWatchdogTest.groupAliveUnchecked(stubborn.pid()));
    String log = Files.readString(dir.resolve("agent").resolve(OrphanWatchdog.LOG_FILE));
    assertTrue(log.contains("SIGKILL to task group " + stubborn.pid()), log);
    assertTrue(Files.exists(s1.resolve(OrphanWatchdog.ORPHANED)));
    assertTrue(reused.isAlive(), "a pid that names another process now is spared");
    assertTrue(forgotten.isAlive(), "a task whose end the master committed is not the watchdog's");
  }

  @Test
  void anAgentWithAnotherGraceReplacesTheWatchdog() throws Exception {
    Path work = dir.resolve("agent");
    OrphanWatchdog first = new OrphanWatchdog(work, Duration.ofMinutes(10));
    first.renew();
    OrphanWatchdog.Running before = first.current().orElseThrow();
    first.renew();
    assertEquals(before, first.current().orElseThrow(), "a renewal keeps the running watchdog");

    OrphanWatchdog second = new OrphanWatchdog(work, Duration.ofMinutes(5));
    second.renew();
    OrphanWatchdog.Running after = second.current().orElseThrow();
    assertNotEquals(before.pid(), after.pid());
    assertEquals(Duration.ofMinutes(5).toMillis(), after.graceMs());
    Poll.until("the old watchdog gave way", WAIT, () -> gone(before.pid()));
    second.stop();
    Poll.until("the new one stopped", WAIT, () -> gone(after.pid()));
  }

  @Test
  void anEmbeddedAgentThatEndsItsTasksStopsItsWatchdog() throws Exception {
    try (MasterDouble master = new MasterDouble()) {
      AgentConfig ac = new AgentConfig(master.url(), new Resources(1, 256, 100, List.of(new PortRange(31700, 31709))),
          Map.of(), dir.resolve("agent"), "host-a", "127.0.0.1", 0, 100, 1 << 20);
      Agent agent = new Agent(ac, new ProcessExecutor()).killTasksOnStop(true).orphanGrace(Duration.ofMinutes(10));
      Vertx vertx = Vertx.vertx();
      try {
        vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        OrphanWatchdog probe = new OrphanWatchdog(dir.resolve("agent"), Duration.ZERO);
        Poll.until("a watchdog", WAIT, () -> probe.current().isPresent());
        long pid = probe.current().get().pid();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Poll.until("the watchdog stopped with the agent", WAIT, () -> gone(pid));
      } finally {
        vertx.close();
      }
    }
  }

  @Test
  void anAgentStartedWithoutGraceRetiresItsPredecessorsWatchdog() throws Exception {
    Path work = dir.resolve("agent");
    OrphanWatchdog left = new OrphanWatchdog(work, Duration.ofMinutes(10));
    left.renew(); // an earlier agent's, still watching
    long pid = left.current().orElseThrow().pid();
    try (MasterDouble master = new MasterDouble()) {
      AgentConfig ac = new AgentConfig(master.url(), new Resources(1, 256, 100, List.of(new PortRange(31710, 31719))),
          Map.of(), work, "host-a", "127.0.0.1", 0, 100, 1 << 20);
      Vertx vertx = Vertx.vertx();
      try {
        vertx.deployVerticle(new Agent(ac, new ProcessExecutor()).killTasksOnStop(true)).toCompletionStage()
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        Poll.until("the old watchdog retired: it would end the tasks this agent re-adopts", WAIT, () -> gone(pid));
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
