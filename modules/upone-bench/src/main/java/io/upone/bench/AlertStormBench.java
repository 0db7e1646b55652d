package io.upone.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.Task;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.alerts.AlertSettings;
import io.upone.server.alerts.AlertVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storm of LOST tasks and Slack alerts while the scheduler works: a raft group (3 nodes by default), the
 * scheduling verticles on {@link SimulatedCluster} machines, the alerting verticle with its
 * default pacing posting to a local HTTP receiver (answers 200 ok) on loopback. Rounds of
 * scheduling (apps submitted, until every task runs): a warm-up with a small storm, then alone and
 * with a storm in turn (1,000 tasks of 10 apps, each app its own channel, LOST with their 20
 * agents, written as the lifecycle writes a lost agent's tasks), ending alone. Prints the messages
 * the receiver got for each storm and when the last came, and the mean scheduling throughput of
 * the rounds with a storm over the mean of those without.
 */
public final class AlertStormBench {
  private AlertStormBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("agents", "1000", "apps", "20", "instances", "250",
        "storm", "1000", "storm-agents", "20", "storm-apps", "10", "nodes", "3",
        "rounds", "2"));
    BenchUtil.quiet();
    BenchUtil.runAndExit("upone-alert-storm-bench", dir -> run(dir, o));
  }

  private static int run(Path dir, Map<String, String> o) throws Exception {
    int agents = Integer.parseInt(o.get("agents"));
    int apps = Integer.parseInt(o.get("apps"));
    int instances = Integer.parseInt(o.get("instances"));
    int storm = Integer.parseInt(o.get("storm"));
    int stormAgents = Integer.parseInt(o.get("storm-agents"));
    int stormApps = Integer.parseInt(o.get("storm-apps"));
    int nodes = Integer.parseInt(o.get("nodes"));
    int rounds = Integer.parseInt(o.get("rounds"));
    System.out.printf("alert storm bench: %,d tasks LOST on %d agents (%d apps, a channel each) while scheduling "
        + "%d apps x %,d instances on %,d simulated agents, %d-node raft%n", storm, stormAgents, stormApps, apps, instances, agents,
        nodes);
    Vertx receiverVertx = Vertx.vertx();
    AtomicInteger messages = new AtomicInteger();
    AtomicLong lastMessageNanos = new AtomicLong();
    HttpServer receiver = receiverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      messages.incrementAndGet();
      lastMessageNanos.set(System.nanoTime());
      req.response().end("ok");
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String webhook = "http://127.0.0.1:" + receiver.actualPort() + "/services/T0/B0/bench";

    List<RaftEventLog> logs = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      RaftEventLog leader = BenchUtil.startGroup(dir, nodes, logs);
      java.util.concurrent.atomic.AtomicReference<SimulatedCluster> cluster = new java.util.concurrent.atomic.AtomicReference<>();
      BenchUtil.deployScheduler(vertx, leader, (vx, ctx) -> {
        SimulatedCluster c = new SimulatedCluster(vx, ctx, agents, 20, 20);
        cluster.set(c);
        return c;
      });
      vertx.deployVerticle(new AlertVerticle(leader, AlertSettings.defaults().withDefaults(webhook, ""),
              (agent, task, bytes) -> Future.failedFuture("no output in the bench"),
              new io.upone.server.metrics.AlertMetrics(new SimpleMeterRegistry()), Clock.systemUTC()),
            AlertVerticle.deployment())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // the same apps twice: alerted (a channel each) and quiet (no channel: the same events, no alerts)
      for (String kind : List.of("storm", "quiet")) {
        for (int a = 0; a < stormApps; a++) {
          AppSpec.Builder spec = AppSpec.newBuilder().setId("/" + kind + "/app-" + a).setCmd("./serve --shard " + a)
              .setCpus(0.01).setMem(16).setVersion(1);
          if (kind.equals("storm")) spec.setAlertChannel("#team-" + a);
          leader.append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
              .setAppCreated(AppCreated.newBuilder().setSpec(spec))).build()).get(30, TimeUnit.SECONDS);
        }
      }

      // the warm-up has a small storm of its own: the measured one finds the alerting's code loaded and compiled
      round(leader, "warm-up", apps, instances, () -> storm(leader, "storm", "warm", 100, 2, 2));
      while (messages.get() < 2) Thread.sleep(10);
      // alone, storm, alone, storm, alone: each storm between two rounds without, on hosts of its own
      List<Double> alone = new ArrayList<>();
      List<Double> stormy = new ArrayList<>();
      List<Double> quiet = new ArrayList<>();
      alone.add(round(leader, "alone-0", apps, instances, null));
      for (int r = 1; r <= rounds; r++) {
        int before = messages.get();
        long[] stormStart = new long[1];
        String name = "storm" + r;
        stormy.add(round(leader, name, apps, instances, () -> {
          stormStart[0] = System.nanoTime();
          return storm(leader, "storm", name, storm, stormAgents, stormApps);
        }));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        // every message is out once the watermark has passed the storm
        while (System.nanoTime() < deadline && leader.state().alertsSentThrough() < stormLast) Thread.sleep(10);
        if (leader.state().alertsSentThrough() < stormLast) throw new IllegalStateException(name + ": alerts not all out in 2 min");
        int sent = messages.get() - before;
        double seconds = (lastMessageNanos.get() - stormStart[0]) / 1e9;
        System.out.printf("  [%s] %,d LOST tasks -> %d Slack messages, the last %.2f s after the storm began "
            + "(grouping window %d ms)%n", name, storm, sent, seconds, AlertSettings.defaults().groupMs());
        BenchUtil.result("alert storm " + r + ": Slack messages for " + storm + " LOST tasks", String.valueOf(sent), "-", null);
        BenchUtil.result("alert storm " + r + ": last message after (s)", String.format("%.2f", seconds), "-", null);
        // the same storm on apps with no channel: what the scheduler sees alike, without alerting's work
        String quietName = "quiet" + r;
        quiet.add(round(leader, quietName, apps, instances, () -> storm(leader, "quiet", quietName, storm, stormAgents, stormApps)));
        alone.add(round(leader, "alone-" + r, apps, instances, null));
      }
      double with = stormy.stream().mapToDouble(d -> d).average().orElse(0);
      double without = alone.stream().mapToDouble(d -> d).average().orElse(1);
      double ratio = with / without;
      double same = quiet.stream().mapToDouble(d -> d).average().orElse(1);
      double alerting = with / same;
      System.out.printf("  scheduling with the storm / without: %.2f (mean %,.0f vs %,.0f tasks/s)%n", ratio, with, without);
      System.out.printf("  scheduling with the alerted storm / the same storm unalerted: %.2f (mean %,.0f vs %,.0f tasks/s)%n",
          alerting, with, same);
      BenchUtil.result("scheduling throughput with / without the storm", String.format("%.2f", ratio), ">= 0.9", ratio >= 0.9);
      BenchUtil.result("scheduling throughput, alerted / unalerted storm", String.format("%.2f", alerting), ">= 0.9",
          alerting >= 0.9);
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (RaftEventLog l : logs) l.close();
      receiverVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static volatile long stormLast;

  /** One proposal per agent: its tasks launched and LOST with it, as the lifecycle writes a lost agent's tasks. */
  private static CompletableFuture<?> storm(RaftEventLog leader, String appsOf, String name, int tasks, int agents, int apps) {
    List<CompletableFuture<List<Event>>> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int a = 0; a < agents; a++) {
      Proposal.Builder launched = Proposal.newBuilder();
      Proposal.Builder lost = Proposal.newBuilder();
      String host = name + "-host-" + a;
      for (int i = a; i < tasks; i += agents) {
        String app = "/" + appsOf + "/app-" + i % apps;
        String id = name + "-app-" + i % apps + "." + i;
        launched.addEvents(Event.newBuilder().setTimestampMs(now).setTaskLaunched(TaskLaunched.newBuilder().setTaskId(id)
            .setAppId(app).setAppVersion(1).setAgentId(name + "-agent-" + a).setHostname(host)));
        lost.addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(TaskStatusChanged.newBuilder()
            .setTaskId(id).setState(TaskState.TASK_LOST).setReason("agent_lost").setMessage("agent storm-agent-" + a + " lost")));
      }
      out.add(leader.append(launched.addAllEvents(lost.getEventsList()).build()));
    }
    return CompletableFuture.allOf(out.toArray(CompletableFuture[]::new)).thenRun(() -> {
      long last = 0;
      for (CompletableFuture<List<Event>> f : out) {
        List<Event> c = f.join();
        last = Math.max(last, c.get(c.size() - 1).getIndex());
      }
      stormLast = last;
    });
  }

  /** Submits the apps (and starts {@code alongside}, if any) and waits until every task runs; tasks/s. */
  private static double round(RaftEventLog leader, String label, int apps, int instances,
                              java.util.function.Supplier<CompletableFuture<?>> alongside) throws Exception {
    int total = apps * instances;
    int runningBefore = running(leader);
    long t0 = System.nanoTime();
    List<CompletableFuture<List<Event>>> created = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      AppSpec app = AppSpec.newBuilder().setId(String.format("/bench/%s/app-%03d", label.replace(' ', '-'), a))
          .setCmd("sleep 600").setCpus(0.01).setMem(16).setInstances(instances).setVersion(1).build();
      created.add(leader.append(Proposal.newBuilder().addEvents(Event.newBuilder()
          .setTimestampMs(System.currentTimeMillis()).setAppCreated(AppCreated.newBuilder().setSpec(app))).build()));
    }
    CompletableFuture<?> side = alongside == null ? CompletableFuture.completedFuture(null) : alongside.get();
    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    side.get(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (running(leader) - runningBefore < total) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(label + ": not all running after 5 min");
      Thread.sleep(10);
    }
    double rate = total / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("  [%s] %,d tasks RUNNING at %,.0f tasks/s%n", label, total, rate);
    return rate;
  }

  private static int running(RaftEventLog leader) {
    int n = 0;
    for (Task t : leader.state().tasks()) if (t.state() == TaskState.TASK_RUNNING) n++;
    return n;
  }
}
