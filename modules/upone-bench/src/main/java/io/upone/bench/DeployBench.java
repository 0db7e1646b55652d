package io.upone.bench;

import io.upone.core.command.AppCommands;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.Event;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.RaftEventLog;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A rolling deployment of one big app on simulated machines: an N-instance app (N = 1,000 by
 * default, on 1,000 machines) is created and brought up, then its command changes with
 * {@code minimumHealthCapacity} 0.9 and {@code maximumOverCapacity} 0.1. Prints the time to the
 * deployment's end, the events it wrote, the most tasks at once and the fewest running, next to
 * the time the same app took to come up in the same run (the baseline).
 */
public final class DeployBench {
  private DeployBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("agents", "1000", "instances", "1000", "nodes", "3",
        "min-health", "0.9", "max-over", "0.1"));
    BenchUtil.quiet();
    BenchUtil.runAndExit("upone-deploy-bench", dir -> run(dir, Integer.parseInt(o.get("agents")),
        Integer.parseInt(o.get("instances")), Integer.parseInt(o.get("nodes")), Double.parseDouble(o.get("min-health")),
        Double.parseDouble(o.get("max-over"))));
  }

  private static String app(int n, String version, double minHealth, double maxOver) {
    return "{\"id\": \"/bench/deploy\", \"cmd\": \"serve " + version + "\", \"cpus\": 0.01, \"mem\": 16, \"instances\": " + n
        + ", \"upgradeStrategy\": {\"minimumHealthCapacity\": " + minHealth + ", \"maximumOverCapacity\": " + maxOver + "}}";
  }

  private static int run(Path dir, int agents, int n, int nodes, double minHealth, double maxOver) throws Exception {
    System.out.printf("deploy bench: %,d simulated agents, one app of %,d instances, %d-node raft, rolling with "
        + "minimumHealthCapacity %.2f, maximumOverCapacity %.2f%n", agents, n, nodes, minHealth, maxOver);
    List<RaftEventLog> logs = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      RaftEventLog leader = BenchUtil.startGroup(dir, nodes, logs);
      BenchUtil.deployScheduler(vertx, leader, (vx, ctx) -> new SimulatedCluster(vx, ctx, agents, 20, 20));
      long t0 = System.nanoTime();
      leader.append(AppCommands.create(leader.state(), AppCommands.readSpec(app(n, "v1", minHealth, maxOver), null),
          System.currentTimeMillis())).get(30, TimeUnit.SECONDS);
      awaitRunning(leader, n);
      double upSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("  baseline: %,d instances up (all RUNNING) in %.2f s%n", n, upSeconds);

      long firstEvent = leader.state().lastEventIndex() + 1;
      long t1 = System.nanoTime();
      List<Event> started = leader.append(AppCommands.update(leader.state(), "/bench/deploy",
          AppCommands.readSpec(app(n, "v2", minHealth, maxOver), "/bench/deploy"), System.currentTimeMillis()))
          .get(30, TimeUnit.SECONDS);
      String id = started.get(started.size() - 1).getDeploymentStarted().getDeploymentId();
      int peak = 0;
      int fewestRunning = Integer.MAX_VALUE;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      Deployment d;
      while (true) {
        State s = leader.state();
        int tasks = s.tasksOf("/bench/deploy").size();
        int running = 0;
        for (Task t : s.tasksOf("/bench/deploy")) if (t.state() == TaskState.TASK_RUNNING) running++;
        peak = Math.max(peak, tasks);
        fewestRunning = Math.min(fewestRunning, running);
        d = s.deploymentById(id).orElseThrow();
        if (d.getOutcome() != DeploymentOutcome.OUTCOME_UNSPECIFIED) break;
        if (System.nanoTime() > deadline) throw new IllegalStateException("deployment not done after 10 min");
        Thread.sleep(5);
      }
      double seconds = (System.nanoTime() - t1) / 1e9;
      long events = leader.state().lastEventIndex() - firstEvent + 1;
      System.out.printf("  rolling deploy of %,d instances: %s in %.2f s (%,.0f tasks replaced/s; ratio to bringing the app "
              + "up: %.2f); %,d events written (%.1f per task); peak %,d tasks (limit %,d); fewest RUNNING %,d (minimum %,d)%n",
          n, d.getOutcome(), seconds, n / seconds, seconds / upSeconds, events, events / (double) n, peak,
          n + (int) Math.floor(n * maxOver), fewestRunning, (int) Math.ceil(n * minHealth));
      System.out.println("  reference: Marathon replaces tens of tasks per second (not measured here)");
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (RaftEventLog l : logs) l.close();
    }
  }

  private static void awaitRunning(RaftEventLog leader, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      int running = 0;
      for (Task t : leader.state().tasksOf("/bench/deploy")) if (t.state() == TaskState.TASK_RUNNING) running++;
      if (running >= n) return;
      Thread.sleep(10);
    }
    throw new IllegalStateException("the app did not come up in 5 min");
  }
}
