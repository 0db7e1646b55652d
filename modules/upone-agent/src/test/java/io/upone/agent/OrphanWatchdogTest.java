package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.exec.ProcStat;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.testing.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent JVM killed with SIGKILL and not restarted: its orphan watchdog ends its tasks after
 * the grace; one restarted within the grace re-adopts them; with no grace they keep running.
 * Real agent JVMs, real task processes, a real watchdog.
 */
class OrphanWatchdogTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;
  Path workDir;
  MasterDouble master;
  final List<Process> agents = new ArrayList<>();
  /** Task groups the test saw start: pid (== pgid) and the leader's start ticks. */
  final List<long[]> groups = new ArrayList<>();

  @BeforeEach
  void startMaster() throws Exception {
    workDir = dir.resolve("agent");
    master = new MasterDouble();
  }

  @AfterEach
  void cleanUp() throws Exception {
    // agents first (they would start watchdogs again), then watchdogs, then what the tasks left
    for (Process a : agents) {
      a.destroyForcibly();
      a.waitFor(30, TimeUnit.SECONDS);
    }
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(workDir.toString()))
        .forEach(ProcessHandle::destroyForcibly);
    for (long[] g : groups) {
      var ticks = ProcStat.startTicks(g[0]);
      if (ticks.isEmpty() || ticks.getAsLong() == g[1]) signalGroup(g[0], "KILL");
    }
    master.close();
  }

  /** Starts an agent JVM on {@link #workDir} and waits until it listens and has heartbeated; returns its URL. */
  String startAgent(long orphanGraceMs) throws Exception {
    Path log = dir.resolve("agent-" + agents.size() + ".log");
    Process p = new ProcessBuilder(AgentProcess.command(master.url(), workDir, orphanGraceMs)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    agents.add(p);
    String[] url = new String[1];
    Poll.until("agent process " + p.pid() + " listening", WAIT, () -> {
      if (!p.isAlive()) throw new AssertionError("the agent process exited: " + read(log));
      url[0] = read(log).lines().filter(l -> l.startsWith(AgentProcess.URL_LINE)).findFirst()
          .map(l -> l.substring(AgentProcess.URL_LINE.length()).trim()).orElse(null);
      return url[0] != null;
    });
    Poll.until("a heartbeat from " + url[0], WAIT, () -> master.lastHeartbeat != null
        && url[0].equals(master.lastHeartbeat.getString("url")));
    return url[0];
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Launches a long task through the agent's API as the master would; returns its pid once running. */
  long launchTask(String agentUrl, String taskId) throws Exception {
    TaskLaunch l = new TaskLaunch(taskId, "/orphans/app", 1, "", "sleep 600", List.of(), "", Map.of(), 0.1, 16, 0,
        List.of(), 1, TaskContainer.HOST);
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(agentUrl + "/v1/tasks"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonArray().add(Wire.launch(l)).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, res.statusCode(), res.body());
    Poll.until("task " + taskId + " running", WAIT, () -> {
      JsonObject t = master.heartbeatTasks().get(taskId);
      return t != null && "TASK_RUNNING".equals(t.getString("state")) && t.containsKey("pid");
    });
    long pid = master.heartbeatTasks().get(taskId).getLong("pid");
    groups.add(new long[] {pid, ProcStat.startTicks(pid).orElse(-1)});
    return pid;
  }

  /** Whether any live (not zombie) process is in process group {@code pgid}. */
  static boolean groupAlive(long pgid) throws IOException {
    try (var procs = Files.list(Path.of("/proc"))) {
      return procs.anyMatch(d -> {
        if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) return false;
        try {
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          return Long.parseLong(f[2]) == pgid && !f[0].equals("Z");
        } catch (IOException | RuntimeException gone) {
          return false;
        }
      });
    }
  }

  static boolean groupAliveUnchecked(long pgid) {
    try {
      return groupAlive(pgid);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void signalGroup(long pgid, String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, "--", "-" + pgid).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
  }

  void killAgent(Process agent) throws Exception {
    agent.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
  }

  OrphanWatchdog.Running watchdog() {
    return new OrphanWatchdog(workDir, Duration.ZERO).current().orElseThrow(() -> new AssertionError("no watchdog runs"));
  }

  String watchdogLog() {
    return read(workDir.resolve(OrphanWatchdog.LOG_FILE));
  }

  @Test
  void aDeadAgentsTasksEndAfterTheGrace() throws Exception {
    String url = startAgent(2000);
    long pid = launchTask(url, "orphan-1");
    OrphanWatchdog.Running w = watchdog();
    assertTrue(groupAlive(pid));

    long killed = System.nanoTime();
    killAgent(agents.get(0));
    Poll.until("the dead agent's task group ended", WAIT, () -> !groupAliveUnchecked(pid));
    System.out.printf("task group ended %d ms after the agent's SIGKILL (grace 2000 ms, kill grace 1 s)%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    Poll.until("the watchdog exited", WAIT, () -> ProcessHandle.of(w.pid()).map(h -> !h.isAlive()).orElse(true));
    assertTrue(watchdogLog().contains("SIGTERM to task group " + pid), watchdogLog());
    assertFalse(Files.exists(workDir.resolve(OrphanWatchdog.PID)), "the watchdog took its pid file with it");

    // an agent that comes back later reports why the task is gone
    startAgent(0);
    Poll.until("the task reported lost", WAIT, () -> {
      JsonObject t = master.heartbeatTasks().get("orphan-1");
      return t != null && "TASK_LOST".equals(t.getString("state")) && "agent_gone".equals(t.getString("reason"));
    });
  }

  @Test
  void aHungAgentsTasksEndToo() throws Exception {
    String url = startAgent(2000);
    long pid = launchTask(url, "orphan-4");
    assertTrue(groupAlive(pid));
    Process agent = agents.get(0);
    // SIGSTOP: the JVM is there but does nothing, like an agent stuck in a pause or a deadlock
    new ProcessBuilder("kill", "-STOP", Long.toString(agent.pid())).start().waitFor(10, TimeUnit.SECONDS);
    Poll.until("the hung agent's task group ended", WAIT, () -> !groupAliveUnchecked(pid));
    assertTrue(agent.isAlive(), "the agent itself was only hung");
  }

  @Test
  void anAgentBackWithinTheGraceReadoptsItsTasks() throws Exception {
    // a long grace: the new JVM's start on a busy machine must fit in it
    String first = startAgent(60_000);
    long pid = launchTask(first, "orphan-2");
    OrphanWatchdog.Running w = watchdog();

    killAgent(agents.get(0));
    String second = startAgent(60_000);
    Poll.until("the task re-adopted by the new agent", WAIT, () -> {
      JsonObject t = master.heartbeatTasks().get("orphan-2");
      return t != null && "TASK_RUNNING".equals(t.getString("state")) && t.getLong("pid") == pid;
    });
    long newAgent = agents.get(1).pid();
    Poll.until("the watchdog sees the new agent's lease", WAIT,
        () -> watchdogLog().contains("lease held by agent process " + newAgent));
    assertEquals(w, watchdog(), "the new agent keeps the running watchdog");
    assertTrue(groupAlive(pid), "the task survives its agent's restart");
    assertFalse(watchdogLog().contains("SIGTERM"), watchdogLog());

    HttpResponse<String> kill = HTTP.send(HttpRequest.newBuilder(URI.create(second + "/v1/tasks/orphan-2?grace=1"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, kill.statusCode(), kill.body());
    Poll.until("the re-adopted task killed by its new agent", WAIT, () -> "TASK_KILLED".equals(master.state("orphan-2")));
  }

  @Test
  void withNoGraceTasksOutliveTheirAgent() throws Exception {
    String url = startAgent(0);
    long pid = launchTask(url, "orphan-3");
    assertFalse(Files.exists(workDir.resolve(OrphanWatchdog.PID)), "no watchdog when the grace is 0");

    killAgent(agents.get(0));
    assertTrue(groupAlive(pid), "Mesos's keep-running: the task outlives its agent");
    assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(workDir.toString())),
        "nothing watches the task");
  }
}
