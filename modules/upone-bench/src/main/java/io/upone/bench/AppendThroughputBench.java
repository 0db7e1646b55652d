package io.upone.bench;

import com.alipay.sofa.jraft.Node;
import io.upone.bench.BenchUtil.Cpu;
import io.upone.bench.BenchUtil.Run;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Event append throughput through {@link RaftEventLog#append} (SOFAJRaft underneath, fsync on),
 * on 1 and 3 members on loopback, batched (default maxBatchProposals) and one proposal per log
 * entry ({@code withBatch(1)}), next to a raw SOFAJRaft baseline measured in the same run: a
 * counter state machine, one 8-byte entry per {@code Node.apply}, driven by the same windowed
 * driver with the same number in flight.
 *
 * <p>Each proposal is one event of a scheduler's steady stream over a cluster of 100,000 live
 * tasks (preloaded, not measured): TaskLaunched for a new task id, TaskStatusChanged RUNNING for
 * a recent one, TaskStatusChanged FINISHED for the oldest (see {@link #streamEvent}); none has a
 * precondition, each changes the projection, and the heap stays the size of the cluster.
 * The driving thread builds each proposal just before appending it, as a caller would (its CPU
 * shows as "main" in the breakdown). Snapshots are off in both (the baseline takes none either).
 * Each case warms up first until the JIT compiler is quiet: on 2 cores it competes with the run.
 *
 * <p>Usage: {@code AppendThroughputBench [--batched N] [--single N] [--raw N] [--window N]
 * [--rounds N] [--warmup-seconds S] [--warmup-max-seconds S] [--cases all|raw-1n,batched-1n,single-1n,raw-3n,...]}
 * Targets: ≥ 100,000 events/s batched on 3 nodes; upone/raw ≥ 0.5.
 */
public final class AppendThroughputBench {
  static final double TARGET_BATCHED_3 = 100_000;
  static final double TARGET_RATIO = 0.5;
  static final long TIMEOUT_MS = 120_000;

  private record Measured(Run run, long entries, String detail) {
    double perSecond() {
      return run.perSecond();
    }
  }

  public static void main(String[] args) throws Exception {
    BenchUtil.quiet();
    Map<String, String> opt = options(args);
    int batched = Integer.parseInt(opt.get("batched"));
    int single = Integer.parseInt(opt.get("single"));
    int raw = Integer.parseInt(opt.get("raw"));
    int window = Integer.parseInt(opt.get("window"));
    int rounds = Integer.parseInt(opt.get("rounds"));
    warmupSeconds = Double.parseDouble(opt.get("warmup-seconds"));
    warmupMaxSeconds = Double.parseDouble(opt.get("warmup-max-seconds"));
    List<String> cases = List.of(opt.get("cases").split(","));
    int defaultBatch = RaftConfig.single(Path.of("."), "127.0.0.1:1").maxBatchProposals();
    System.out.printf("append throughput: fsync on, loopback, %d cores, -Xmx%d MiB; window %,d appends in flight;%n"
            + "  per case: a warm-up of %.0f-%.0f s (until the JIT is quiet), then %d measured rounds of: batched %,d"
            + " events, one-per-entry %,d events, raw %,d entries; the median round is reported%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, window, warmupSeconds,
        warmupMaxSeconds, rounds, batched, single, raw);
    Map<String, Measured> m = new LinkedHashMap<>();
    BenchUtil.runAndExit("upone-append-bench", dir -> {
      for (int nodes : new int[] {1, 3}) {
        String g = nodes + "n";
        System.out.printf("%n== %d node%s ==%n", nodes, nodes > 1 ? "s" : "");
        if (cases.contains("raw-" + g) || cases.contains("all")) {
          m.put("raw-" + g, raw(dir.resolve("raw-" + g), nodes, Math.max(5_000, raw / 5), raw, rounds, window));
        }
        if (cases.contains("batched-" + g) || cases.contains("all")) {
          m.put("batched-" + g, upone(dir.resolve("batched-" + g), nodes, defaultBatch,
              Math.max(10_000, batched / 4), batched, rounds, window));
        }
        if (cases.contains("single-" + g) || cases.contains("all")) {
          m.put("single-" + g, upone(dir.resolve("single-" + g), nodes, 1, Math.max(5_000, single / 5), single,
              rounds, window));
        }
      }
      if (m.size() == 6) summary(m, defaultBatch, window);
      return 0;
    });
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("batched", "300000");
    o.put("single", "100000");
    o.put("raw", "300000");
    o.put("window", "10000");
    o.put("rounds", "5");
    o.put("warmup-seconds", "3");
    o.put("warmup-max-seconds", "12");
    o.put("cases", "all"); // or a comma list of raw-1n, batched-1n, single-1n, raw-3n, batched-3n, single-3n
    return BenchUtil.options(args, o);
  }

  // ---- warm-up and rounds ----------------------------------------------------------------------

  /** Least seconds each case warms up for. */
  static double warmupSeconds = 3;
  /** Most seconds each case warms up for. */
  static double warmupMaxSeconds = 12;
  /** Warm-up ends once the JIT compiler threads take less than this share of the CPU over a chunk. */
  static final double JIT_QUIET = 0.05;

  private interface Chunk {
    void run() throws Exception;
  }

  /**
   * Repeats {@code chunk} for at least {@link #warmupSeconds}, then until the JIT compiler is
   * quiet (on 2 cores it competes with the run, and a case measured while it still compiles
   * reads low), at most {@link #warmupMaxSeconds}. Prints how long it took.
   */
  private static void warmUp(Chunk chunk) throws Exception {
    long t0 = System.nanoTime();
    long min = t0 + (long) (warmupSeconds * 1e9);
    long max = t0 + (long) (warmupMaxSeconds * 1e9);
    double jit;
    do {
      Cpu before = Cpu.take();
      chunk.run();
      jit = Cpu.jitShareSince(before);
    } while (System.nanoTime() < max && (System.nanoTime() < min || jit >= JIT_QUIET));
    System.out.printf("    (warmed up %.1f s; JIT compiler share of the CPU in the last warm-up chunk %.0f%%)%n",
        (System.nanoTime() - t0) / 1e9, jit * 100);
  }

  private interface Round {
    Run run(int round) throws Exception;
  }

  /** Measured rounds of one case; the median round stands for it. */
  private static Measured rounds(int rounds, long ops, String unit, LongSupplier entryIndex, Round round)
      throws Exception {
    List<Run> runs = new ArrayList<>();
    long e0 = entryIndex.getAsLong();
    System.gc();
    Cpu cpu = Cpu.take();
    for (int r = 0; r < rounds; r++) runs.add(round.run(r));
    String cpuLine = Cpu.since(cpu, ops * rounds, unit);
    long entries = entryIndex.getAsLong() - e0;
    StringBuilder each = new StringBuilder();
    for (Run r : runs) each.append(each.length() == 0 ? "" : ", ").append(BenchUtil.n(r.perSecond()));
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Run::perSecond));
    return new Measured(sorted.get(sorted.size() / 2), entries / rounds, "rounds/s: " + each + "; " + cpuLine);
  }

  // ---- upone ---------------------------------------------------------------------------------

  static Measured upone(Path dir, int nodes, int maxBatch, int warmup, int n, int rounds, int window)
      throws Exception {
    List<String> peers = BenchUtil.endpoints(nodes);
    List<RaftEventLog> logs = new ArrayList<>();
    String label = String.format("upone %s", maxBatch == 1 ? "one proposal per entry (withBatch(1))"
        : "batched (maxBatchProposals " + maxBatch + ")");
    try {
      for (int i = 0; i < nodes; i++) {
        RaftConfig c = RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers).withBatch(maxBatch)
            .withSnapshotEvery(0).withElectionTimeout(5000); // as the raw baseline: no leader change mid-run
        logs.add(RaftEventLog.start(c));
      }
      RaftEventLog leader = BenchUtil.awaitLeader(logs, 30_000);
      preload(leader);
      long[] next = {0}; // the stream's next slot
      warmUp(() -> {
        BenchUtil.drive(warmup, window, TIMEOUT_MS, (i, done) -> append(leader, next[0] + i, done));
        next[0] += warmup;
      });
      long events0 = leader.state().lastEventIndex();
      Measured out = rounds(rounds, n, "event", () -> leader.cluster().committedEntryIndex(), r -> {
        Run run = BenchUtil.drive(n, window, TIMEOUT_MS, (i, done) -> append(leader, next[0] + i, done));
        next[0] += n;
        return run;
      });
      long events = leader.state().lastEventIndex() - events0;
      int live = leader.state().taskCount();
      if (events != (long) n * rounds || Math.abs(live - LIVE_TASKS) > n) {
        throw new IllegalStateException("projection: " + events + " events applied, " + live + " live tasks");
      }
      print(label, "events", out);
      return out;
    } finally {
      for (RaftEventLog l : logs) l.close();
    }
  }

  /** Appends the stream's event at {@code slot} as its own proposal (built here, as a caller would). */
  private static void append(RaftEventLog leader, long slot, Consumer<Throwable> done) {
    leader.append(Proposal.newBuilder().addEvents(streamEvent(slot)).build()).whenComplete((events, t) -> done.accept(t));
  }

  /** Tasks alive in every projection while the stream runs: the cluster size of the recovery target. */
  static final int LIVE_TASKS = 100_000;
  /** A launched task reports RUNNING this many launches later. */
  static final int RUNNING_LAG = 100;

  /**
   * The event at position {@code slot} of an endless scheduler stream over a cluster holding
   * {@link #LIVE_TASKS} tasks: slot 3t launches task t, 3t+1 reports task t-100 RUNNING and
   * healthy, 3t+2 reports task t-100,000 FINISHED (which removes it). So every event is real work
   * for the projection (a put, a replace, a remove) and the heap stays at the cluster's size.
   */
  static Event streamEvent(long slot) {
    long t = slot / 3;
    long ts = 1_700_000_000_000L + slot;
    return switch ((int) (slot % 3)) {
      case 0 -> launched(t, ts);
      case 1 -> status(t - RUNNING_LAG, TaskState.TASK_RUNNING, true, ts);
      default -> status(t - LIVE_TASKS, TaskState.TASK_FINISHED, false, ts);
    };
  }

  static String taskId(long t) {
    // Marathon-like: app name, dot, a unique suffix (~45 chars)
    return "bench_app-" + Math.floorMod(t, 100) + "." + Long.toHexString(0x1000_0000_0000L + t) + "-4e2f-9d1c-6b0a3e";
  }

  static Event launched(long t, long ts) {
    long k = Math.floorMod(t, 1000);
    return Event.newBuilder().setTimestampMs(ts).setTaskLaunched(TaskLaunched.newBuilder()
        .setTaskId(taskId(t)).setAppId("/bench/app-" + k % 100).setAppVersion(1)
        .setAgentId("agent-" + k % 200 + "-S0").setHostname("host-" + k % 200 + ".dc1.example")
        .addHostPorts(31000 + (int) k)).build();
  }

  static Event status(long t, TaskState state, boolean healthy, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setTaskStatusChanged(TaskStatusChanged.newBuilder()
        .setTaskId(taskId(t)).setState(state).setHasHealth(healthy).setHealthy(healthy)).build();
  }

  /** Launches the first {@link #LIVE_TASKS} tasks (negative numbers) in big proposals; not measured. */
  static void preload(RaftEventLog leader) {
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int base = 0; base < LIVE_TASKS; base += 1000) {
      Proposal.Builder p = Proposal.newBuilder();
      for (int k = base; k < base + 1000; k++) p.addEvents(launched(k - LIVE_TASKS, 1_600_000_000_000L + k));
      fs.add(leader.append(p.build()));
    }
    fs.forEach(CompletableFuture::join);
    if (leader.state().taskCount() != LIVE_TASKS) {
      throw new IllegalStateException("preload: " + leader.state().taskCount() + " tasks");
    }
  }

  // ---- raw SOFAJRaft ---------------------------------------------------------------------------

  static Measured raw(Path dir, int nodes, int warmup, int n, int rounds, int window) throws Exception {
    try (RawJraftCounter g = new RawJraftCounter(dir, BenchUtil.endpoints(nodes))) {
      Node leader = g.leader(30_000);
      warmUp(() -> BenchUtil.drive(warmup, window, TIMEOUT_MS, (i, done) -> RawJraftCounter.applyOne(leader, done)));
      Measured out = rounds(rounds, n, "entry", leader::getLastCommittedIndex,
          r -> BenchUtil.drive(n, window, TIMEOUT_MS, (i, done) -> RawJraftCounter.applyOne(leader, done)));
      print("raw SOFAJRaft counter, one 8-byte entry per apply", "entries", out);
      return out;
    }
  }

  private static void print(String label, String unit, Measured m) {
    Run r = m.run;
    System.out.printf("  %-52s %,9d %s in %6.2f s = %,10.0f %s/s   latency p50 %,d us, p99 %,d us, max %,d us%n",
        label, r.ops(), unit, r.seconds(), r.perSecond(), unit, r.p50Micros(), r.p99Micros(), r.maxMicros());
    System.out.printf("      log entries committed per round %,d (%.1f %s per log entry); %s%n", m.entries,
        r.ops() / (double) Math.max(1, m.entries), unit.equals("entries") ? "applies" : unit, m.detail);
  }

  // ---- summary -------------------------------------------------------------------------------

  private static void summary(Map<String, Measured> m, int defaultBatch, int window) {
    double raw1 = m.get("raw-1n").perSecond();
    double raw3 = m.get("raw-3n").perSecond();
    double b1 = m.get("batched-1n").perSecond();
    double b3 = m.get("batched-3n").perSecond();
    double s1 = m.get("single-1n").perSecond();
    double s3 = m.get("single-3n").perSecond();
    System.out.printf("%n== append throughput summary (fsync on, %,d in flight, median of rounds) ==%n", window);
    System.out.printf("  %-44s %14s %14s   %s%n", "", "1 node", "3 nodes", "target");
    System.out.printf("  %-44s %14s %14s%n", "raw SOFAJRaft counter, entries/s", BenchUtil.n(raw1), BenchUtil.n(raw3));
    System.out.printf("  %-44s %14s %14s   >= %s on 3 nodes %s%n", "upone batched (" + defaultBatch + "), events/s",
        BenchUtil.n(b1), BenchUtil.n(b3), BenchUtil.n(TARGET_BATCHED_3), verdict(b3 >= TARGET_BATCHED_3));
    System.out.printf("  %-44s %14.3f %14.3f   >= %.1f %s%n", "  ratio upone batched / raw", b1 / raw1, b3 / raw3,
        TARGET_RATIO, verdict(b1 / raw1 >= TARGET_RATIO && b3 / raw3 >= TARGET_RATIO));
    System.out.printf("  %-44s %14s %14s%n", "upone one proposal per entry, events/s", BenchUtil.n(s1), BenchUtil.n(s3));
    System.out.printf("  %-44s %14.3f %14.3f   >= %.1f %s%n", "  ratio upone one-per-entry / raw", s1 / raw1,
        s3 / raw3, TARGET_RATIO, verdict(s1 / raw1 >= TARGET_RATIO && s3 / raw3 >= TARGET_RATIO));

    BenchUtil.result("raw jraft 1 node (entries/s)", BenchUtil.n(raw1), "baseline", null);
    BenchUtil.result("raw jraft 3 nodes (entries/s)", BenchUtil.n(raw3), "baseline", null);
    BenchUtil.result("upone batched 1 node (events/s)", BenchUtil.n(b1), "-", null);
    BenchUtil.result("upone batched 3 nodes (events/s)", BenchUtil.n(b3), ">= 100,000", b3 >= TARGET_BATCHED_3);
    BenchUtil.result("upone 1/entry 1 node (events/s)", BenchUtil.n(s1), "-", null);
    BenchUtil.result("upone 1/entry 3 nodes (events/s)", BenchUtil.n(s3), "-", null);
    BenchUtil.result("ratio batched/raw 1 node", String.format("%.3f", b1 / raw1), ">= 0.5", b1 / raw1 >= TARGET_RATIO);
    BenchUtil.result("ratio batched/raw 3 nodes", String.format("%.3f", b3 / raw3), ">= 0.5", b3 / raw3 >= TARGET_RATIO);
    BenchUtil.result("ratio 1-per-entry/raw 1 node", String.format("%.3f", s1 / raw1), ">= 0.5",
        s1 / raw1 >= TARGET_RATIO);
    BenchUtil.result("ratio 1-per-entry/raw 3 nodes", String.format("%.3f", s3 / raw3), ">= 0.5",
        s3 / raw3 >= TARGET_RATIO);
  }

  private static String verdict(boolean met) {
    return met ? "MET" : "NOT MET";
  }
}
