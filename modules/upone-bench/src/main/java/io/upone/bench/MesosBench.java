package io.upone.bench;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.eventlog.RaftEventLog;
import io.upone.mesos.FrameworkIdStore;
import io.upone.mesos.MesosCodec;
import io.upone.mesos.MesosConfig;
import io.upone.mesos.MesosDriver;
import io.upone.mesos.sim.SimMaster;
import io.upone.mesos.sim.SimOptions;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * upone as a Mesos framework at scale: a 3-node raft, the leader's lifecycle driving the
 * simulated master (1,000 agents) over the v1 HTTP API, one app of 10,000 instances. Prints
 * seconds until every task is accepted (placed, TaskLaunched committed, ACCEPT sent) and until
 * every RUNNING is committed, offers handled per second, and offer → ACCEPT latency, for the
 * burst and for small steady scale-ups. Baseline in the same run: the same scheduler on an
 * in-memory driver (no HTTP, no Mesos protocol).
 */
public final class MesosBench {
  private MesosBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("agents", "1000", "instances", "10000", "nodes", "3",
        "offer-interval-ms", "100", "codec", "protobuf", "steps", "200", "sim", "process"));
    BenchUtil.quiet();
    BenchUtil.runAndExit("upone-mesos-bench", dir -> run(dir, Integer.parseInt(o.get("agents")),
        Integer.parseInt(o.get("instances")), Integer.parseInt(o.get("nodes")), Long.parseLong(o.get("offer-interval-ms")),
        "json".equals(o.get("codec")) ? MesosCodec.JSON : MesosCodec.PROTOBUF, Integer.parseInt(o.get("steps")),
        !"in-jvm".equals(o.get("sim"))));
  }

  /**
   * The simulated master as its own JVM ({@code upone mesos-sim}), as a Mesos master is its own
   * process: its allocations and GC do not land in the scheduler's heap. It still shares the cores.
   */
  private static Process simProcess(int agents, int port, long offerMs) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-Xmx1g", "-XX:+UseParallelGC", "-Dcom.google.protobuf.use_unsafe_pre22_gencode",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        "io.upone.server.Main", "mesos-sim", "--agents", String.valueOf(agents), "--port", String.valueOf(port),
        "--offer-interval-ms", String.valueOf(offerMs), "--heartbeat-s", "15")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.currentTimeMillis() + 30_000;
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    while (true) {
      try {
        if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return p;
      } catch (java.io.IOException e) {
        if (!p.isAlive() || System.currentTimeMillis() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("the simulated master did not start", e);
        }
      }
      Thread.sleep(50);
    }
  }

  private static int run(Path dir, int agents, int instances, int nodes, long offerMs, MesosCodec codec, int steps,
                         boolean simProcess) throws Exception {
    System.out.printf("mesos bench: %,d simulated agents, one app of %,d instances, %d-node raft, %s, allocation every %d ms,"
        + " simulated master %s%n", agents, instances, nodes, codec.mediaType(), offerMs,
        simProcess ? "in its own JVM" : "in this JVM");
    double baseline = baseline(dir.resolve("baseline"), agents, instances, nodes, offerMs);
    System.out.printf("  [baseline: in-memory driver, after a warm-up round] all %,d RUNNING at %,.0f tasks/s%n", instances, baseline);

    Vertx simVertx = Vertx.vertx();
    Vertx vertx = Vertx.vertx();
    List<RaftEventLog> logs = new ArrayList<>();
    Process simProc = null;
    try {
      String simUrl;
      if (simProcess) {
        int port = Integer.parseInt(BenchUtil.endpoints(1).get(0).split(":")[1]);
        simProc = simProcess(agents, port, offerMs);
        simUrl = "http://127.0.0.1:" + port;
      } else {
        simUrl = SimMaster.start(simVertx, SimOptions.defaults().withAgents(agents).withPort("127.0.0.1", 0)
            .withTimings(15, offerMs, 0, 10_000, 1)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).url();
      }
      RaftEventLog leader = startGroup(dir.resolve("mesos"), nodes, logs);
      AtomicReference<MesosDriver> driver = new AtomicReference<>();
      MesosConfig mc = MesosConfig.of(simUrl).withCodec(codec);
      BenchUtil.deployScheduler(vertx, leader, (vx, ctx) -> {
        MesosDriver d = new MesosDriver(vx, ctx, mc, FrameworkIdStore.inMemory());
        driver.set(d);
        return d;
      });
      double[] cold = burst(leader, driver.get(), simUrl, "cold (the JVM's first app)", instances, agents, 0, false);
      double[] b = burst(leader, driver.get(), simUrl, "warm", instances, agents, instances, true);
      double acceptRate = b[0];
      double p99 = b[1];
      BenchUtil.result("POST app -> all " + instances + " tasks known to the master, cold (s)", String.format("%.2f", cold[2]),
          "reference: upone accepted them in " + String.format("%.2f", instances / cold[0]) + " s", null);
      BenchUtil.result("POST app -> all " + instances + " tasks known to the master, warm (s)", String.format("%.2f", b[2]),
          (instances <= 1000 ? "< 1.5" : "< 2") + " (upone accepted them in " + String.format("%.2f", instances / acceptRate) + " s)",
          b[2] >= 0 && b[2] < (instances <= 1000 ? 1.5 : 2.0));
      MesosDriver.Stats s = driver.get().stats();

      // steady state: small apps one after another (REVIVE, offers, a few launches, SUPPRESS)
      s.resetLatency();
      long launchedBefore = s.launched;
      long t1 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        submit(leader, String.format("/bench/mesos/small-%03d", i), 5);
        long want = launchedBefore + 5L * (i + 1);
        waitFor(() -> driver.get().stats().launched, want, t1, 1);
      }
      double steadyP50 = s.offerToAcceptPercentileMs(50);
      double steadyP99 = s.offerToAcceptPercentileMs(99);
      System.out.printf("  [steady] %d apps of 5 submitted one by one: offer -> ACCEPT p50 %.1f ms, p99 %.1f ms over %,d accepts;"
          + " OFFERS event handled (placement) p50 %.1f ms, p99 %.1f ms%n",
          steps, steadyP50, steadyP99, s.acceptsMeasured(), s.offersHandlingPercentileMs(50), s.offersHandlingPercentileMs(99));

      BenchUtil.result("tasks placed, logged and accepted on the simulated Mesos (tasks/s)", String.format("%.0f", acceptRate),
          ">= 15000 (" + String.format("%.2f", acceptRate / baseline) + "x the in-memory driver's all-RUNNING rate)",
          acceptRate >= 15_000);
      BenchUtil.result("all RUNNING, committed and acknowledged (tasks/s)", String.format("%.0f", b[4]),
          ">= 10000 (" + String.format("%.2f", b[4] / baseline) + "x the in-memory driver)", b[4] >= 10_000);
      BenchUtil.result("offer -> first ACCEPT, burst of " + agents + " offers (ms, the slowest OFFERS event's)",
          String.format("%.1f", b[5]), "< 50", b[5] < 50);
      BenchUtil.result("offer -> ACCEPT p99, burst of " + agents + " offers, every offer (ms)", String.format("%.1f", p99),
          "reference", null);
      BenchUtil.result("offer -> ACCEPT p99, steady scale-ups (ms)", String.format("%.1f", steadyP99), "< 10", steadyP99 < 10);
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      simVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (RaftEventLog l : logs) l.close();
      if (simProc != null) {
        simProc.destroy();
        if (!simProc.waitFor(10, TimeUnit.SECONDS)) simProc.destroyForcibly();
      }
    }
  }

  /** One app of {@code instances}; returns {tasks/s until all accepted, p99 offer -> ACCEPT ms}. */
  private static double[] burst(RaftEventLog leader, MesosDriver driver, String simUrl, String label, int instances, int agents,
                                long runningBefore, boolean cpuReport) throws Exception {
    MesosDriver.Stats s = driver.stats();
    s.resetLatency();
    long launchedBefore = s.launched;
    long offersBefore = s.offers;
    long updatesBefore = s.updates;
    long acksBefore = s.acknowledged;
    BenchUtil.Cpu cpu = BenchUtil.Cpu.take();
    long knownBefore = Math.max(0, MasterView.counts(simUrl)[0]);
    long t0 = System.nanoTime();
    MasterView master = new MasterView(simUrl, knownBefore, instances, t0);
    submit(leader, "/bench/mesos/" + label.split(" ")[0], instances);
    double accepted = waitFor(() -> driver.stats().launched - launchedBefore, instances, t0, 1);
    double allRunning = waitFor(() -> running(leader) - runningBefore, instances, t0, 25);
    master.await();
    double p50 = s.offerToAcceptPercentileMs(50);
    double p99 = s.offerToAcceptPercentileMs(99);
    // the burst's OFFERS events (a 10,000-task app takes more than one): the first one's first ACCEPT
    double first = s.firstAcceptPercentileMs(0);
    double firstMax = s.firstAcceptPercentileMs(100);
    double acceptRate = instances / accepted;
    System.out.printf("  [%s] all %,d accepted in %.2f s = %,.0f tasks/s (placed, TaskLaunched committed, ACCEPT sent)%n",
        label, instances, accepted, acceptRate);
    System.out.printf("  [%s] all %,d RUNNING in %.2f s = %,.0f tasks/s (STARTING and RUNNING committed and acknowledged)%n",
        label, instances, allRunning, instances / allRunning);
    System.out.printf("  [%s] offers received %,d (%,.0f/s), updates %,d, ACKs %,d; calls failed so far %d%n", label,
        s.offers - offersBefore, (s.offers - offersBefore) / allRunning, s.updates - updatesBefore, s.acknowledged - acksBefore,
        s.failedCalls);
    System.out.printf("  [%s] offer -> ACCEPT: p50 %.1f ms, p99 %.1f ms over %,d accepting offers (OFFERS events of up to %,d);"
        + " handling the OFFERS event (placement) took %.1f ms%n",
        label, p50, p99, s.acceptsMeasured(), agents, s.offersHandlingPercentileMs(100));
    System.out.printf("  [%s] offer -> first ACCEPT of an OFFERS event: min %.1f ms, max %.1f ms over %d events with launches%n",
        label, first, firstMax, s.firstAcceptsMeasured());
    System.out.printf("  [%s] from the master's side (its /sim/state every 100 ms): %s%n", label, master.summary());
    if (cpuReport) System.out.println("  " + BenchUtil.Cpu.since(cpu, instances, "task"));
    return new double[] {acceptRate, p99, master.knownS(), master.runningS(), instances / allRunning, firstMax};
  }

  /** The same app on the in-memory driver (SimulatedCluster): tasks/s until all RUNNING. */
  private static double baseline(Path dir, int agents, int instances, int nodes, long offerMs) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<RaftEventLog> logs = new ArrayList<>();
    try {
      RaftEventLog leader = startGroup(dir, nodes, logs);
      BenchUtil.deployScheduler(vertx, leader, (vx, ctx) -> new SimulatedCluster(vx, ctx, agents, 20, offerMs));
      submit(leader, "/bench/baseline/warm-up", instances);
      waitFor(() -> running(leader), instances, System.nanoTime(), 25);
      long t0 = System.nanoTime();
      submit(leader, "/bench/baseline/measured", instances);
      return instances / waitFor(() -> running(leader) - instances, instances, t0, 25);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (RaftEventLog l : logs) l.close();
    }
  }

  /**
   * The raft group, with an election timeout of 5 s rather than 1 s: on a shared, loaded machine a
   * starved heartbeat would otherwise move the leadership away from the scheduler under test.
   */
  private static RaftEventLog startGroup(Path dir, int nodes, List<RaftEventLog> logs) throws Exception {
    List<String> peers = BenchUtil.endpoints(nodes);
    for (int i = 0; i < nodes; i++) {
      logs.add(RaftEventLog.start(io.upone.eventlog.RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers)
          .withElectionTimeout(5000)));
    }
    return BenchUtil.awaitLeader(logs, 60_000);
  }

  private static void submit(RaftEventLog leader, String id, int instances) throws Exception {
    AppSpec app = AppSpec.newBuilder().setId(id).setCmd("sleep 600").setCpus(0.01).setMem(16).setInstances(instances)
        .setVersion(1).build();
    Proposal p = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
        .setAppCreated(AppCreated.newBuilder().setSpec(app))).build();
    // a member that just won its election may not have started leading its state machine yet
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        leader.append(p).get(30, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        if (!String.valueOf(e.getCause().getMessage()).startsWith("not_leader") || System.currentTimeMillis() > deadline) throw e;
        Thread.sleep(50);
      }
    }
  }

  private static long running(RaftEventLog log) {
    long n = 0;
    for (Task t : log.state().tasks()) if (t.state() == TaskState.TASK_RUNNING) n++;
    return n;
  }

  /**
   * Seconds from {@code t0} until {@code value} reaches {@code target} (5 minutes at most). Polls
   * every {@code pollMs}: counting RUNNING tasks walks the whole projection, so it is polled
   * sparingly not to steal a core from the scheduler it measures.
   */
  private static double waitFor(LongSupplier value, long target, long t0, long pollMs) throws InterruptedException {
    long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
    while (value.getAsLong() < target) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("only " + value.getAsLong() + " of " + target + " after 5 min");
      Thread.sleep(pollMs);
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
