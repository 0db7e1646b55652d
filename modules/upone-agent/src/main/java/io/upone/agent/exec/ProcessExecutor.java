package io.upone.agent.exec;

import io.upone.core.driver.TaskLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task as an OS process in a session and process group of its own (setsid), in its
 * sandbox directory, with stdout and stderr appended to files there. A small bash wrapper
 * records the exit code in {@code .upone-exit}, so an agent that restarted and re-attached to
 * a task still learns how it ended.
 */
public final class ProcessExecutor implements Executor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcessExecutor.class);
  public static final String EXIT_FILE = ".upone-exit";
  /** "pid startTicks killGraceSeconds": what the agent's orphan watchdog ends if the agent is gone (orphan-watchdog.sh). */
  public static final String GROUP_FILE = ".upone-pgroup";
  private static final String CMD_WRAPPER =
      "bash -c \"$UPONE_CMD\"; code=$?; printf '%s' \"$code\" > .upone-exit; exit \"$code\"";
  private static final String ARGS_WRAPPER =
      "\"$@\"; code=$?; printf '%s' \"$code\" > .upone-exit; exit \"$code\"";

  @Override
  public String name() {
    return "process";
  }

  @Override
  public boolean accepts(TaskLaunch launch) {
    return launch.image().isEmpty();
  }

  @Override
  public RunningTask launch(TaskLaunch launch, Path sandbox, Map<String, String> env) throws IOException {
    Files.createDirectories(sandbox);
    List<String> argv = new ArrayList<>(List.of("setsid", "bash", "-c"));
    if (launch.args().isEmpty()) {
      argv.add(CMD_WRAPPER);
    } else {
      argv.add(ARGS_WRAPPER);
      argv.add("upone-task");
      argv.addAll(launch.args());
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(sandbox.toFile());
    pb.environment().putAll(env);
    pb.environment().put("UPONE_CMD", launch.cmd());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stdout").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stderr").toFile()));
    Process p = pb.start();
    awaitOwnGroup(p);
    recordGroup(sandbox, p.pid(), launch.killGracePeriodSeconds());
    Instant started = p.toHandle().info().startInstant().orElse(Instant.now());
    CompletableFuture<Integer> exit = p.onExit().thenApply(done -> {
      int code = done.exitValue();
      return code > 128 && !Files.exists(sandbox.resolve(EXIT_FILE)) ? null : code;
    });
    return new Task(p.pid(), started, exit, p.toHandle());
  }

  @Override
  public Optional<RunningTask> reattach(long pid, Instant startedAt, Path sandbox) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) return Optional.empty();
    // the pid may have been reused by another process since: compare start times
    Optional<Instant> start = h.get().info().startInstant();
    if (start.isEmpty() || Math.abs(start.get().toEpochMilli() - startedAt.toEpochMilli()) > 1000) return Optional.empty();
    CompletableFuture<Integer> exit = h.get().onExit().thenApply(done -> readExit(sandbox));
    return Optional.of(new Task(pid, startedAt, exit, h.get()));
  }

  /**
   * Returns once the task leads its own process group: start() returns when setsid is exec'd,
   * not when it has called setsid(), and a kill sent to the group before that reaches nobody
   * (a task killed at once would keep running). Microseconds, unless the machine is swamped.
   */
  private static void awaitOwnGroup(Process p) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (p.isAlive() && System.nanoTime() < deadline) {
      var group = ProcStat.processGroup(p.pid());
      if (group.isEmpty() || group.getAsLong() == p.pid()) return;
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
  }

  /**
   * Records the task's process group for the orphan watchdog, with the leader's start time so
   * that a reused pid is never taken for the task. A task that already ended needs no record.
   */
  private static void recordGroup(Path sandbox, long pid, int killGraceSeconds) {
    var ticks = ProcStat.startTicks(pid);
    if (ticks.isEmpty()) return;
    try {
      Path tmp = sandbox.resolve(GROUP_FILE + ".tmp");
      Files.writeString(tmp, pid + " " + ticks.getAsLong() + " " + Math.max(0, killGraceSeconds) + "\n");
      Files.move(tmp, sandbox.resolve(GROUP_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // the task runs: failing its launch now would leave it running unwatched all the same
      LOG.warn("task group {} is not recorded for the orphan watchdog: {}", pid, e.getMessage());
    }
  }

  /** The exit code the wrapper wrote, or null when it did not get to write it. */
  public static Integer readExit(Path sandbox) {
    try {
      return Integer.parseInt(Files.readString(sandbox.resolve(EXIT_FILE)).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private record Task(long pid, Instant startedAt, CompletableFuture<Integer> exit, ProcessHandle handle)
      implements RunningTask {
    @Override
    public void signal(String signal) {
      try {
        // pid == pgid: setsid made the task the leader of a new session and process group
        Process k = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid).redirectErrorStream(true).start();
        k.getInputStream().readAllBytes();
        k.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new IllegalStateException("cannot signal task group " + pid + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public boolean alive() {
      return handle.isAlive();
    }

    /** Any process left in the task's process group (pgid == the leader's pid), from /proc. */
    @Override
    public boolean groupAlive() {
      if (handle.isAlive()) return true;
      try (var procs = Files.list(Path.of("/proc"))) {
        return procs.anyMatch(dir -> {
          String name = dir.getFileName().toString();
          if (name.isEmpty() || !Character.isDigit(name.charAt(0))) return false;
          try {
            String stat = Files.readString(dir.resolve("stat"));
            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]) == pid && !f[0].equals("Z");
          } catch (IOException | RuntimeException gone) {
            return false;
          }
        });
      } catch (IOException e) {
        return false;
      }
    }
  }
}
