package io.upone.bench;

import io.upone.bench.BenchUtil.Cpu;
import io.upone.bench.BenchUtil.Run;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.state.State;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Recovery: a one-member log of 1,000,000 events describing 100,000 tasks (see
 * {@link RecoveryWorkload}), written through {@link RaftEventLog#append} with batching and fsync
 * on, with the default snapshot cadence unless {@code --snapshot-every} says otherwise. Then the
 * log is closed and started again; the restart time runs from {@link RaftEventLog#start} until
 * {@code state().lastEventIndex()} shows every event applied. Measured in a fresh JVM (what an
 * operator restarting a member sees: cold JIT) and again in this one (warm), first as the log was
 * left, then from a snapshot of all events. Heap per task: the projection alone
 * ({@link State#restore} of the 100,000-task snapshot against an empty State), and the whole
 * restarted member in the fresh JVM.
 *
 * <p>Targets: restart &lt; 3 s; heap &lt; 2 KiB per task.
 * <p>Usage: {@code RecoveryBench [--tasks N] [--apps N] [--snapshot-every N] [--window N] [--cold-repeats N]}
 */
public final class RecoveryBench {
  static final double TARGET_RESTART_S = 3.0;
  static final double TARGET_HEAP_PER_TASK = 2048;

  public static void main(String[] args) throws Exception {
    BenchUtil.quiet();
    if (args.length > 0 && args[0].equals("--child-restart")) {
      childRestart(Path.of(args[1]), args[2], Long.parseLong(args[3]), Long.parseLong(args[4]));
      System.exit(0);
    }
    Map<String, String> opt = options(args);
    int tasks = Integer.parseInt(opt.get("tasks"));
    int apps = Integer.parseInt(opt.get("apps"));
    int window = Integer.parseInt(opt.get("window"));
    coldRepeats = Integer.parseInt(opt.get("cold-repeats"));
    RaftConfig defaults = RaftConfig.single(Path.of("."), "127.0.0.1:1");
    long snapshotEvery = opt.containsKey("snapshot-every") ? Long.parseLong(opt.get("snapshot-every"))
        : defaults.snapshotEveryEvents();
    BenchUtil.runAndExit("upone-recovery-bench", dir -> run(dir, tasks, apps, window, snapshotEvery));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("tasks", "100000");
    o.put("apps", "100");
    o.put("window", "20000");
    o.put("cold-repeats", "3");
    return BenchUtil.options(args, o, "snapshot-every");
  }

  private static int run(Path dir, int tasks, int apps, int window, long snapshotEvery) throws Exception {
    Path data = dir.resolve("member");
    String self = BenchUtil.endpoints(1).get(0);
    RaftConfig cfg = RaftConfig.single(data, self).withSnapshotEvery(snapshotEvery);
    RecoveryWorkload workload = new RecoveryWorkload(apps, tasks);
    long events = workload.total();
    System.out.printf("recovery: 1 member, fsync on, %d cores, -Xmx%d MiB; %,d events describing %,d tasks of %d apps;"
            + " snapshot every %,d events%s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, events, tasks, apps, snapshotEvery,
        snapshotEvery == RaftConfig.single(data, self).snapshotEveryEvents() ? " (the default)" : "");

    // ---- 1. build the log ----
    String hash;
    try (RaftEventLog log = RaftEventLog.start(cfg)) {
      BenchUtil.awaitLeader(List.of(log), 30_000);
      Cpu cpu = Cpu.take();
      if (events > Integer.MAX_VALUE) throw new IllegalArgumentException("too many events");
      Run r = BenchUtil.drive((int) events, window, 600_000, (i, done) ->
          log.append(Proposal.newBuilder().addEvents(workload.next()).build()).whenComplete((e, t) -> done.accept(t)));
      String cpuLine = Cpu.since(cpu, events, "event");
      State s = log.state();
      if (s.lastEventIndex() != events || s.taskCount() != tasks || s.appCount() != apps) {
        throw new IllegalStateException("built " + s.lastEventIndex() + " events, " + s.taskCount() + " tasks, "
            + s.appCount() + " apps");
      }
      long entries = log.cluster().committedEntryIndex();
      System.out.printf("  built: %,d events (one per proposal, %,d in flight) in %.1f s = %,.0f events/s;"
              + " %,d log entries (%.0f events per entry)%n      %s%n",
          events, window, r.seconds(), r.perSecond(), entries, events / (double) entries, cpuLine);
      hash = s.hash();
    }
    System.out.printf("  on disk: log %.1f MiB, %s%n", BenchUtil.dirBytes(data.resolve("log")) / 1048576.0,
        snapshots(data));

    // ---- 2. restart as left: fresh JVM, then this JVM ----
    Child cold = restartInFreshJvm(data, self, events, snapshotEvery);
    System.out.printf("  restart as left, fresh JVM: %s%n", cold.line);
    Restart warm = restart(cfg, events, hash, tasks);
    System.out.printf("  restart as left, this JVM (warm JIT): %s%n", warm);

    // ---- 3. restart from a snapshot of every event ----
    byte[] snap;
    try (RaftEventLog log = RaftEventLog.start(cfg)) {
      waitApplied(log, events, 60_000);
      long t0 = System.nanoTime();
      log.snapshotNow();
      System.out.printf("  snapshot of all %,d events taken in %.2f s; %s%n", events, (System.nanoTime() - t0) / 1e9,
          snapshots(data));
      snap = log.state().snapshot().toByteArray();
    }
    Child coldSnap = restartInFreshJvm(data, self, events, snapshotEvery);
    System.out.printf("  restart from that snapshot, fresh JVM: %s%n", coldSnap.line);
    Restart warmSnap = restart(cfg, events, hash, tasks);
    System.out.printf("  restart from that snapshot, this JVM (warm JIT): %s%n", warmSnap);

    // ---- 4. heap per task in the projection ----
    double perTask = projectionHeapPerTask(snap, tasks);
    System.out.printf("  heap per task, projection alone (State.restore of the %,d-task snapshot vs an empty State):"
        + " %,.0f bytes%n", tasks, perTask);
    System.out.printf("  heap per task, whole restarted member in a fresh JVM (incl. jraft, rocksdb handles, history):"
        + " %,.0f bytes (as left) / %,.0f bytes (from snapshot)%n", cold.heapPerTask(tasks), coldSnap.heapPerTask(tasks));

    // ---- summary ----
    double coldS = cold.restartMs / 1000.0;
    System.out.printf("%n== recovery summary (%,d events, %,d tasks) ==%n", events, tasks);
    System.out.printf("  %-62s %10s   %s%n", "", "", "target");
    String cadence = snapshotEvery == RaftConfig.single(data, self).snapshotEveryEvents()
        ? "default snapshot cadence" : "snapshot every " + snapshotEvery + " events";
    System.out.printf("  %-62s %8.2f s   < %.0f s %s%n", "restart as left (" + cadence + "), fresh JVM", coldS,
        TARGET_RESTART_S, verdict(coldS < TARGET_RESTART_S));
    System.out.printf("  %-62s %8.2f s%n", "restart as left, warm JVM", warm.totalMs / 1000.0);
    System.out.printf("  %-62s %8.2f s   < %.0f s %s%n", "restart from a snapshot of all events, fresh JVM",
        coldSnap.restartMs / 1000.0, TARGET_RESTART_S, verdict(coldSnap.restartMs / 1000.0 < TARGET_RESTART_S));
    System.out.printf("  %-62s %8.2f s%n", "restart from a snapshot of all events, warm JVM", warmSnap.totalMs / 1000.0);
    System.out.printf("  %-62s %8.0f B   < %.0f B %s%n", "heap per task, projection", perTask, TARGET_HEAP_PER_TASK,
        verdict(perTask < TARGET_HEAP_PER_TASK));
    System.out.printf("  %-62s %8.0f B%n", "heap per task, whole member (fresh JVM, as left)", cold.heapPerTask(tasks));
    BenchUtil.result("restart as left, fresh JVM (s)", String.format("%.2f", coldS), "< 3 s", coldS < TARGET_RESTART_S);
    BenchUtil.result("restart from full snapshot, fresh JVM (s)", String.format("%.2f", coldSnap.restartMs / 1000.0),
        "< 3 s", coldSnap.restartMs / 1000.0 < TARGET_RESTART_S);
    BenchUtil.result("restart as left, warm JVM (s)", String.format("%.2f", warm.totalMs / 1000.0), "-", null);
    BenchUtil.result("heap per task, projection (bytes)", String.format("%.0f", perTask), "< 2048",
        perTask < TARGET_HEAP_PER_TASK);
    BenchUtil.result("heap per task, whole member (bytes)", String.format("%.0f", cold.heapPerTask(tasks)), "-", null);
    return 0; // figures, not a test: a missed target is reported, not an error
  }

  private static String verdict(boolean met) {
    return met ? "MET" : "NOT MET";
  }

  /** How many snapshots jraft keeps and their size. */
  private static String snapshots(Path data) throws Exception {
    Path snapDir = data.resolve("snapshot");
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(snapDir)) {
      try (Stream<Path> s = Files.list(snapDir)) {
        s.filter(p -> p.getFileName().toString().startsWith("snapshot_")).forEach(p -> names.add(p.getFileName()
            .toString()));
      }
    }
    if (names.isEmpty()) return "no snapshot (the restart replays the whole log)";
    return "snapshot " + String.join(", ", names) + " (" + String.format("%.1f MiB",
        BenchUtil.dirBytes(snapDir) / 1048576.0) + ")";
  }

  // ---- restarts ------------------------------------------------------------------------------

  private record Restart(long startReturnedMs, long leaderMs, long totalMs) {
    @Override
    public String toString() {
      return String.format("%.2f s to a complete projection (start() returned after %,d ms, leader elected at %,d ms)",
          totalMs / 1000.0, startReturnedMs, leaderMs);
    }
  }

  /** Starts the member and waits until every event is applied; checks the state is the same. */
  private static Restart restart(RaftConfig cfg, long events, String hash, int tasks) throws Exception {
    BenchUtil.usedHeapAfterGc();
    long t0 = System.nanoTime();
    try (RaftEventLog log = RaftEventLog.start(cfg)) {
      long started = System.nanoTime();
      long leader = waitApplied(log, events, 60_000);
      long done = System.nanoTime();
      if (!log.state().hash().equals(hash) || log.state().taskCount() != tasks) {
        throw new IllegalStateException("the restarted projection differs from the one written");
      }
      return new Restart((started - t0) / 1_000_000, (leader - t0) / 1_000_000, (done - t0) / 1_000_000);
    }
  }

  /** Polls until {@code lastEventIndex} reaches {@code events}; returns when a leader was first known. */
  private static long waitApplied(RaftEventLog log, long events, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    long leaderAt = 0;
    while (log.state().lastEventIndex() < events) {
      if (leaderAt == 0 && log.leaderEndpoint().isPresent()) leaderAt = System.nanoTime();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("after restart only " + log.state().lastEventIndex() + " of " + events
            + " events applied");
      }
      Thread.sleep(1);
    }
    return leaderAt == 0 ? System.nanoTime() : leaderAt;
  }

  private record Child(long restartMs, long heapBefore, long heapAfter, String line) {
    double heapPerTask(int tasks) {
      return (heapAfter - heapBefore) / (double) tasks;
    }
  }

  static int coldRepeats = 3;

  /** {@link #coldRepeats} restarts in fresh JVMs; the median stands, all are shown. */
  private static Child restartInFreshJvm(Path data, String self, long events, long snapshotEvery) throws Exception {
    List<Child> all = new ArrayList<>();
    for (int i = 0; i < coldRepeats; i++) all.add(restartInFreshJvmOnce(data, self, events, snapshotEvery));
    List<Child> sorted = new ArrayList<>(all);
    sorted.sort(java.util.Comparator.comparingLong(Child::restartMs));
    Child median = sorted.get(sorted.size() / 2);
    StringBuilder each = new StringBuilder();
    for (Child c : all) each.append(each.length() == 0 ? "" : ", ").append(String.format("%.2f", c.restartMs / 1000.0));
    return new Child(median.restartMs, median.heapBefore, median.heapAfter,
        median.line + "; median of " + all.size() + " runs: " + each + " s");
  }

  /** The restart in a new JVM with this one's flags and classpath: a member process coming back. */
  private static Child restartInFreshJvmOnce(Path data, String self, long events, long snapshotEvery)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib") && !a.startsWith("-XX:StartFlightRecording")) cmd.add(a);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RecoveryBench.class.getName(), "--child-restart",
        data.toString(), self, Long.toString(events), Long.toString(snapshotEvery)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String result = null;
    StringBuilder other = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("CHILD|")) result = line;
        else other.append("\n      | ").append(line);
      }
    } finally {
      if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }
    if (result == null || p.exitValue() != 0) {
      throw new IllegalStateException("restart in a fresh JVM failed (exit " + p.exitValue() + "):" + other);
    }
    String[] f = result.split("\\|");
    long startMs = Long.parseLong(f[1]);
    long leaderMs = Long.parseLong(f[2]);
    long totalMs = Long.parseLong(f[3]);
    long before = Long.parseLong(f[4]);
    long after = Long.parseLong(f[5]);
    String line = String.format("%.2f s to a complete projection (start() returned after %,d ms, leader elected at %,d ms)",
        totalMs / 1000.0, startMs, leaderMs);
    return new Child(totalMs, before, after, line);
  }

  /** In the fresh JVM: restart, report times and heap on one line for the parent. */
  private static void childRestart(Path data, String self, long events, long snapshotEvery) throws Exception {
    RaftConfig cfg = RaftConfig.single(data, self).withSnapshotEvery(snapshotEvery);
    long before = BenchUtil.usedHeapAfterGc();
    long t0 = System.nanoTime();
    try (RaftEventLog log = RaftEventLog.start(cfg)) {
      long started = System.nanoTime();
      long leader = waitApplied(log, events, 60_000);
      long done = System.nanoTime();
      long after = BenchUtil.usedHeapAfterGc();
      System.out.println("CHILD|" + (started - t0) / 1_000_000 + "|" + (leader - t0) / 1_000_000 + "|"
          + (done - t0) / 1_000_000 + "|" + before + "|" + after);
      System.out.flush();
    }
  }

  // ---- heap ----------------------------------------------------------------------------------

  /** Heap of the restored projection minus that of an empty one, per task; the bytes are held in both readings. */
  private static double projectionHeapPerTask(byte[] bytes, int tasks) throws Exception {
    State empty = new State();
    long before = BenchUtil.usedHeapAfterGc();
    State state = State.restore(StateSnapshot.parseFrom(bytes));
    long after = BenchUtil.usedHeapAfterGc();
    if (state.taskCount() != tasks || empty.taskCount() != 0 || bytes.length == 0) {
      throw new IllegalStateException("restored " + state.taskCount() + " tasks");
    }
    return (after - before) / (double) tasks;
  }
}
