package io.upone.bench;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Event append throughput through upone's EventLog (SOFAJRaft underneath, fsync on), on 1 and 3
 * nodes, batched and one proposal per entry, next to the raw SOFAJRaft counter baseline measured
 * in the same run. Goals: ≥ 100,000 events/s batched on 3 nodes; ≥ 0.5× the raw baseline.
 * Usage: AppendBench [batchedEvents] [perEntryEvents]
 */
public final class AppendBench {
  static final int WINDOW = 4096;       // in flight for raw and one-per-entry (jraft's queue is 16384)
  static final int BATCH_WINDOW = 50_000;

  public static void main(String[] args) throws Exception {
    int batched = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int perEntry = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
    Path dir = Files.createTempDirectory("upone-append-bench");
    System.out.printf("append bench: fsync on, loopback, %d cores; batched %,d events, one-per-entry %,d%n",
        Runtime.getRuntime().availableProcessors(), batched, perEntry);
    List<String[]> rows = new ArrayList<>();
    for (int nodes : new int[] {1, 3}) {
      double raw;
      try (RawCounterGroup g = new RawCounterGroup(dir.resolve("raw-" + nodes), peers(nodes))) {
        g.run(Math.min(5000, perEntry), WINDOW); // warm-up
        raw = g.run(perEntry, WINDOW);
      }
      double one = upone(dir.resolve("one-" + nodes), nodes, 1, perEntry, WINDOW);
      double many = upone(dir.resolve("batch-" + nodes), nodes, 4096, batched, BATCH_WINDOW);
      rows.add(new String[] {nodes + " node" + (nodes > 1 ? "s" : ""), fmt(raw), fmt(one), ratio(one, raw), fmt(many),
          ratio(many, raw)});
    }
    System.out.println();
    System.out.printf("%-8s %16s %18s %8s %18s %8s%n", "group", "raw jraft ent/s", "upone 1/entry ev/s", "ratio",
        "upone batched ev/s", "ratio");
    for (String[] r : rows) System.out.printf("%-8s %16s %18s %8s %18s %8s%n", (Object[]) r);
    System.out.println("goals: batched on 3 nodes >= 100,000 events/s; ratio to raw >= 0.5");
    deleteTree(dir);
    System.exit(0);
  }

  /** Events per second appended and committed through RaftEventLog. */
  static double upone(Path dir, int nodes, int maxBatch, int n, int window) throws Exception {
    List<String> peers = peers(nodes);
    List<RaftEventLog> logs = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      RaftConfig c = RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers).withBatch(maxBatch)
          .withSnapshotEvery(0);
      logs.add(RaftEventLog.start(c));
    }
    try {
      RaftEventLog leader = null;
      long deadline = System.currentTimeMillis() + 30_000;
      while (leader == null && System.currentTimeMillis() < deadline) {
        for (RaftEventLog l : logs) if (l.isLeader()) leader = l;
        Thread.sleep(10);
      }
      if (leader == null) throw new IllegalStateException("no leader");
      drive(leader, "w", Math.min(5000, n), window); // warm-up
      return drive(leader, "m", n, window);
    } finally {
      for (RaftEventLog l : logs) l.close();
    }
  }

  static double drive(RaftEventLog leader, String prefix, int n, int window) throws InterruptedException {
    return Pipelined.run(n, window, (i, done) -> {
      Proposal p = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(i).setTaskLaunched(
          TaskLaunched.newBuilder().setTaskId(prefix + "-task-" + i).setAppId("/bench/app-" + (i % 100)).setAppVersion(1)
              .setAgentId("agent-" + (i % 1000)).setHostname("host-" + (i % 1000)).addHostPorts(31000 + i % 1000))).build();
      leader.append(p).whenComplete((e, t) -> done.accept(t == null));
    });
  }

  static List<String> peers(int n) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        out.add("127.0.0.1:" + s.getLocalPort());
      }
    }
    return out;
  }

  static String fmt(double v) {
    return String.format("%,.0f", v);
  }

  static String ratio(double v, double base) {
    return String.format("%.2fx", v / base);
  }

  static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
