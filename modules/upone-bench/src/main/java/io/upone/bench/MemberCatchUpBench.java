package io.upone.bench;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A new member catching up: a 3-member group (fsync on, default snapshot cadence) holds
 * 1,000,000 events describing 100,000 tasks ({@link RecoveryWorkload}); then a client keeps
 * writing health reports, first for a baseline period, then while a fourth member with an empty
 * data dir is added as a learner and catches up (the leader's latest snapshot, then the entries
 * after it). Figures: the catch-up time, from the configuration change to the learner having
 * applied every event the leader had when it was added; the leader's write throughput during
 * the catch-up and during the baseline, in the same run.
 *
 * <p>Usage: {@code MemberCatchUpBench [--tasks N] [--apps N] [--window N] [--baseline-s N]}
 */
public final class MemberCatchUpBench {
  public static void main(String[] args) throws Exception {
    BenchUtil.quiet();
    Map<String, String> opt = BenchUtil.options(args, Map.of("tasks", "100000", "apps", "100", "window", "4096",
        "baseline-s", "10"));
    int tasks = Integer.parseInt(opt.get("tasks"));
    int apps = Integer.parseInt(opt.get("apps"));
    int window = Integer.parseInt(opt.get("window"));
    int baselineS = Integer.parseInt(opt.get("baseline-s"));
    BenchUtil.runAndExit("upone-catchup-bench", dir -> run(dir, tasks, apps, window, baselineS));
  }

  private static int run(Path dir, int tasks, int apps, int window, int baselineS) throws Exception {
    List<RaftEventLog> logs = new ArrayList<>();
    try {
      // a long election timeout: on a shared 2-core machine a loaded leader must not lose its term mid-run
      List<String> peers = BenchUtil.endpoints(3);
      for (int i = 0; i < 3; i++) {
        logs.add(RaftEventLog.start(RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers)
            .withElectionTimeout(5000)));
      }
      RaftEventLog leader = BenchUtil.awaitLeader(logs, 60_000);
      RecoveryWorkload workload = new RecoveryWorkload(apps, tasks);
      long events = workload.total();
      System.out.printf("catch-up: 3 members, fsync on, %d cores, -Xmx%d MiB; %,d events describing %,d tasks;"
              + " snapshot every %,d events%n", Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20, events, tasks, RaftConfig.single(dir, "x:1").snapshotEveryEvents());
      BenchUtil.Run built = BenchUtil.drive((int) events, window, 900_000, (i, done) ->
          leader.append(Proposal.newBuilder().addEvents(workload.next()).build()).whenComplete((e, t) -> done.accept(t)));
      System.out.printf("  built: %,d events in %.1f s (%,.0f events/s)%n", events, built.seconds(), built.perSecond());

      HealthWriter writer = new HealthWriter(leader, tasks, apps, window);
      CompletableFuture<Void> writing = CompletableFuture.runAsync(writer::run);
      long b0 = writer.written.get();
      long t0 = System.nanoTime();
      Thread.sleep(baselineS * 1000L); // a measuring period, not a wait for a condition
      double baseline = (writer.written.get() - b0) / ((System.nanoTime() - t0) / 1e9);

      String endpoint = BenchUtil.endpoints(1).get(0);
      RaftEventLog learner = RaftEventLog.start(RaftConfig.single(dir.resolve("n3"), endpoint).withPeers(List.of())
          .withElectionTimeout(5000));
      logs.add(learner);
      long target = leader.state().lastEventIndex();
      long c0 = System.nanoTime();
      long w0 = writer.written.get();
      leader.membership().addLearner(endpoint).join();
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (learner.state().lastEventIndex() < target) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the learner did not catch up in 10 minutes");
        Thread.sleep(5);
      }
      double catchUpS = (System.nanoTime() - c0) / 1e9;
      double during = (writer.written.get() - w0) / catchUpS;
      writer.stop.set(true);
      writing.join();
      System.out.printf("  new member caught up with %,d events (snapshot + tail) in %.1f s%n", target, catchUpS);
      System.out.printf("  leader writes (one health report per proposal, %,d in flight): %,.0f events/s while it"
          + " caught up vs %,.0f events/s before (%.2fx)%n", window, during, baseline, during / baseline);
      System.out.println("RESULT|catchup_s=" + String.format("%.2f", catchUpS) + "|events=" + target
          + "|during_per_s=" + Math.round(during) + "|baseline_per_s=" + Math.round(baseline));
      return 0;
    } finally {
      for (RaftEventLog l : logs) l.close();
    }
  }

  /** Health reports on the existing tasks, as fast as the window allows, until stopped. */
  private static final class HealthWriter {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong written = new AtomicLong();
    private final RaftEventLog leader;
    private final int tasks;
    private final int apps;
    private final int window;

    HealthWriter(RaftEventLog leader, int tasks, int apps, int window) {
      this.leader = leader;
      this.tasks = tasks;
      this.apps = apps;
      this.window = window;
    }

    void run() {
      int round = 0;
      while (!stop.get()) {
        int r = round++;
        try {
          BenchUtil.drive(10_000, window, 120_000, (i, done) -> {
            int t = (r * 10_000 + i) % tasks;
            Event e = Event.newBuilder().setTimestampMs(2_000_000_000_000L + r).setTaskStatusChanged(
                TaskStatusChanged.newBuilder().setTaskId(RecoveryWorkload.taskId(t, apps))
                    .setState(TaskState.TASK_RUNNING).setHasHealth(true).setHealthy(r % 2 == 0)).build();
            leader.append(Proposal.newBuilder().addEvents(e).build()).whenComplete((x, f) -> {
              if (f == null) written.incrementAndGet();
              done.accept(f);
            });
          });
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
