package io.upone.bench;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scheduler end to end without a network: apps submitted to the log of an N-member raft
 * group, the leader's task lifecycle placing them through the placement pipeline on offers of
 * {@link SimulatedCluster} machines, every launch and every RUNNING written to the log first.
 * Prints tasks/s until all run, offers handled, and offer → launch latency (which includes
 * committing the TaskLaunched events).
 */
public final class SchedulingBench {
  private SchedulingBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("agents", "1000", "apps", "100", "instances", "100",
        "nodes", "3", "cycle-ms", "20", "mixed", "true"));
    BenchUtil.quiet();
    BenchUtil.runAndExit("upone-scheduling-bench", dir -> run(dir, Integer.parseInt(o.get("agents")),
        Integer.parseInt(o.get("apps")), Integer.parseInt(o.get("instances")), Integer.parseInt(o.get("nodes")),
        Long.parseLong(o.get("cycle-ms")), Boolean.parseBoolean(o.get("mixed"))));
  }

  /** Constraints in rotation, Marathon style, so that every kind of filter is exercised. */
  static List<Constraint> constraints(int app) {
    return switch (app % 5) {
      case 0 -> List.of(Constraint.newBuilder().setField("hostname").setOperator("UNIQUE").build());
      case 1 -> List.of(Constraint.newBuilder().setField("rack").setOperator("GROUP_BY").setValue("10").build());
      case 2 -> List.of(Constraint.newBuilder().setField("rack").setOperator("MAX_PER").setValue("50").build());
      case 3 -> List.of(Constraint.newBuilder().setField("zone").setOperator("LIKE").setValue("z[01]").build());
      default -> List.of();
    };
  }

  private static int run(Path dir, int agents, int apps, int instances, int nodes, long cycleMs, boolean mixed)
      throws Exception {
    System.out.printf("scheduling bench: %,d simulated agents, %d apps x %,d instances = %,d tasks, %d-node raft%s%n",
        agents, apps, instances, apps * instances, nodes, mixed ? ", mixed constraints" : "");
    List<RaftEventLog> logs = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      RaftEventLog leader = BenchUtil.startGroup(dir, nodes, logs);
      AtomicReference<SimulatedCluster> cluster = new AtomicReference<>();
      BenchUtil.deployScheduler(vertx, leader, (vx, ctx) -> {
        SimulatedCluster c = new SimulatedCluster(vx, ctx, agents, 20, cycleMs);
        cluster.set(c);
        return c;
      });

      round(leader, cluster.get(), "warm-up", apps, instances, mixed, nodes, false);
      round(leader, cluster.get(), "measured", apps, instances, mixed, nodes, true);
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (RaftEventLog l : logs) l.close();
    }
  }

  /** Submits {@code apps} apps and waits until all their tasks run; prints the figures of this round. */
  private static void round(RaftEventLog leader, SimulatedCluster c, String label, int apps, int instances, boolean mixed,
                            int nodes, boolean verdict) throws Exception {
    int total = apps * instances;
    int runningBefore = 0;
    for (Task t : leader.state().tasks()) if (t.state() == TaskState.TASK_RUNNING) runningBefore++;
    c.offerToLaunchMicros.clear();
    c.offersSent.set(0);
    BenchUtil.Cpu cpu = BenchUtil.Cpu.take();
    long t0 = System.nanoTime();
    List<CompletableFuture<List<Event>>> created = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      AppSpec app = AppSpec.newBuilder().setId(String.format("/bench/%s/app-%03d", label, a)).setCmd("sleep 600")
          .setCpus(0.01).setMem(16).setInstances(instances).setVersion(1)
          .addAllConstraints(mixed ? constraints(a) : List.of()).build();
      created.add(leader.append(Proposal.newBuilder().addEvents(Event.newBuilder()
          .setTimestampMs(System.currentTimeMillis()).setAppCreated(AppCreated.newBuilder().setSpec(app))).build()));
    }
    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    long running = 0;
    while (System.nanoTime() < deadline) {
      running = -runningBefore;
      for (Task t : leader.state().tasks()) if (t.state() == TaskState.TASK_RUNNING) running++;
      if (running >= total) break;
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (running < total) throw new IllegalStateException("only " + running + " of " + total + " running after 5 min");
    List<Long> lat;
    synchronized (c.offerToLaunchMicros) {
      lat = new ArrayList<>(c.offerToLaunchMicros);
    }
    Collections.sort(lat);
    long offers = c.offersSent.get();
    double rate = total / seconds;
    System.out.printf("  [%s] all %,d RUNNING in %.2f s = %,.0f tasks/s (submit -> every TaskLaunched and RUNNING committed)%n",
        label, total, seconds, rate);
    System.out.printf("  [%s] offers sent %,d (%,.0f/s); offer -> launch (placement + TaskLaunched commit): p50 %.1f ms, "
        + "p99 %.1f ms, max %.1f ms over %,d launching offers%n", label, offers, offers / seconds,
        pct(lat, 0.5) / 1000.0, pct(lat, 0.99) / 1000.0, pct(lat, 1.0) / 1000.0, lat.size());
    if (!verdict) return;
    System.out.println("  " + BenchUtil.Cpu.since(cpu, total, "task"));
    BenchUtil.result("end-to-end scheduling, " + nodes + "-node raft (tasks/s)", String.format("%.0f", rate),
        ">= 10000", rate >= 10_000);
    BenchUtil.result("offer -> launch p99 (ms)", String.format("%.1f", pct(lat, 0.99) / 1000.0), "< 10", pct(lat, 0.99) < 10_000);
  }

  private static long pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * q) - 1)));
  }
}
