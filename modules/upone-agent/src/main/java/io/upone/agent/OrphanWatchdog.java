package io.upone.agent;

import io.upone.agent.exec.ProcStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the orphan watchdog: ends this agent's tasks when the agent is gone.
 *
 * <p>Mesos's executors end their tasks when their agent does not come back within its recovery
 * timeout; a restarted agent re-adopts them. Here one small watchdog process per work dir
 * (a bash script, {@code orphan-watchdog.sh}, started with setsid so it outlives the agent's JVM
 * and its session) watches a lease file the agent renews several times per grace. When no
 * renewal has been seen for the grace, the agent is dead (kill -9, crash) or hung (event loop
 * or workers stuck), and its tasks have been replaced elsewhere: the watchdog ends the process
 * groups the sandboxes record (SIGTERM, SIGKILL after each task's kill grace) and exits. An
 * agent that starts on the same work dir within the grace renews the same lease, finds the
 * watchdog alive through {@value #PID} and keeps it; it starts a new one when none runs or the
 * one running has another grace. Not per task and not a JVM: one sleeping bash costs nothing.
 *
 * <p>Containers are not the watchdog's: they run under the Docker engine, and a restarted agent
 * removes the ones it no longer knows ({@code DockerExecutor.removeStrays}).
 */
final class OrphanWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanWatchdog.class);
  static final String LEASE = "watchdog.lease";
  static final String PID = "watchdog.pid";
  static final String LOG_FILE = "watchdog.log";
  static final String SCRIPT = "orphan-watchdog.sh";
  /** Written in a sandbox by the watchdog when it ends the task: how long the agent had been gone (ms). */
  static final String ORPHANED = ".upone-orphaned";

  private final Path workDir;
  private final long graceMs;
  private final String holder = Long.toString(ProcessHandle.current().pid());
  private final java.util.concurrent.locks.ReentrantLock renewing = new java.util.concurrent.locks.ReentrantLock();
  private long renewals;
  private boolean failing;
  private boolean stopped;

  OrphanWatchdog(Path workDir, Duration grace) {
    this.workDir = workDir.toAbsolutePath();
    this.graceMs = grace.toMillis();
  }

  /** How often the agent renews: every second, or four times per grace when that is shorter. */
  long renewEveryMs() {
    return Math.max(50, Math.min(1000, graceMs / 4));
  }

  /**
   * Renews the lease, then makes sure a watchdog with this grace runs. Blocking; a renewal still
   * in progress (a stuck disk) makes this one a no-op rather than a second blocked worker.
   */
  void renew() {
    if (!renewing.tryLock()) return;
    try {
      renewLocked();
    } finally {
      renewing.unlock();
    }
  }

  private void renewLocked() {
    if (stopped) return;
    try {
      Files.createDirectories(workDir);
      // written aside and renamed: the watchdog never reads a half-written lease
      Path tmp = workDir.resolve(LEASE + ".tmp");
      Files.writeString(tmp, holder + ":" + (++renewals) + "\n");
      Files.move(tmp, workDir.resolve(LEASE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      ensureRunning();
      if (failing) LOG.info("the orphan watchdog's lease is renewed again");
      failing = false;
    } catch (IOException | RuntimeException e) {
      // a lease not renewed for the grace ends the tasks: say so loudly, once per streak
      if (!failing) LOG.error("cannot renew the orphan watchdog's lease in {}: {}", workDir, e.getMessage());
      failing = true;
    }
  }

  /** The agent ended its tasks itself (an embedded agent stopping): nothing is left to guard. */
  void stop() {
    renewing.lock();
    try {
      stopped = true;
      current().ifPresent(w -> terminate(w.pid()));
    } finally {
      renewing.unlock();
    }
  }

  /** The watchdog guarding this work dir, when one runs. */
  Optional<Running> current() {
    try {
      String[] f = Files.readString(workDir.resolve(PID)).trim().split(" ");
      Running r = new Running(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
      var ticks = ProcStat.startTicks(r.pid());
      return ticks.isPresent() && ticks.getAsLong() == r.startTicks() ? Optional.of(r) : Optional.empty();
    } catch (IOException | RuntimeException none) {
      return Optional.empty();
    }
  }

  private void ensureRunning() throws IOException {
    Optional<Running> running = current();
    if (running.isPresent() && running.get().graceMs() == graceMs) return;
    Path script = workDir.resolve(SCRIPT);
    writeScript(script);
    Process p = new ProcessBuilder(List.of("setsid", "bash", script.toString(), workDir.toString(), Long.toString(graceMs)))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve(LOG_FILE).toFile()))
        .redirectErrorStream(true).start();
    // setsid execs in place (the JVM's child is no group leader), so this pid is the watchdog's
    var ticks = ProcStat.startTicks(p.pid());
    if (ticks.isEmpty()) throw new IOException("the orphan watchdog exited at once: see " + workDir.resolve(LOG_FILE));
    Path tmp = workDir.resolve(PID + ".tmp");
    Files.writeString(tmp, p.pid() + " " + ticks.getAsLong() + " " + graceMs + "\n");
    Files.move(tmp, workDir.resolve(PID), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    LOG.info("orphan watchdog {} guards this agent's tasks: they end {} ms after the agent is gone", p.pid(), graceMs);
    // one that watches with another grace (the setting changed) gives way to the new one
    running.ifPresent(old -> terminate(old.pid()));
  }

  /** A new inode each time: a running watchdog keeps reading the script it started with. */
  private static void writeScript(Path script) throws IOException {
    byte[] text;
    try (InputStream in = OrphanWatchdog.class.getResourceAsStream(SCRIPT)) {
      if (in == null) throw new IOException(SCRIPT + " is missing from the agent's classpath");
      text = in.readAllBytes();
    }
    Path tmp = script.resolveSibling(SCRIPT + ".tmp");
    Files.write(tmp, text);
    Files.move(tmp, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** SIGTERM ends the watchdog's loop without touching any task (bash's default action). */
  private static void terminate(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }

  /** A watchdog process: its pid, start time (pids are reused) and grace. */
  record Running(long pid, long startTicks, long graceMs) {}

  /** Why a task recovery finds gone has ended, when the watchdog ended it. */
  static Optional<String> endedByWatchdog(Path sandbox) {
    try {
      return Optional.of("killed by the agent's orphan watchdog after "
          + Files.readString(sandbox.resolve(ORPHANED), StandardCharsets.UTF_8).trim() + " ms without an agent");
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
