package io.upone.bench;

import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.MissedRunPolicy;
import io.upone.core.proto.Proposal;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.UponeServer;
import io.upone.server.config.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Cron at rest: 10,000 jobs loaded, CPU of the whole process and fire-time jitter (fired −
 * scheduled), a whole upone node (single-node raft, no agent) side by side with the Quartz
 * scheduler holding the same schedules, each in its own fresh JVM with the same flags.
 * Two loads: "hourly" (every job once an hour at its own minute:second, about 2.8 fires/s) and
 * "idle" (every job yearly on 1 January: nothing is due during the window).
 */
public final class CronBench {
  private CronBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("jobs", "10000", "seconds", "60", "warmup", "60",
        "mode", "all", "kind", "hourly"));
    int jobs = Integer.parseInt(o.get("jobs"));
    int seconds = Integer.parseInt(o.get("seconds"));
    int warmup = Integer.parseInt(o.get("warmup"));
    switch (o.get("mode")) {
      case "upone" -> BenchUtil.runAndExit("upone-cron-bench", dir -> upone(dir, jobs, o.get("kind"), warmup, seconds));
      case "quartz" -> {
        quartz(jobs, o.get("kind"), warmup, seconds);
        System.exit(0);
      }
      default -> System.exit(compare(jobs, warmup, seconds));
    }
  }

  static String schedule(int i, String kind) {
    int s = i % 60;
    int m = (i / 60) % 60;
    return kind.equals("idle") ? s + " " + m + " 0 1 1 ?" : s + " " + m + " * * * ?";
  }

  // ---- the parent: children in fresh JVMs, then the comparison -------------------------------

  /** @param cpuNoJitPct the same CPU without the JIT compiler's threads: the steady state of a long-running process */
  record Sample(String who, String kind, double cpuPct, long fires, long p50, long p99, long max, long decidedP50,
                long decidedP99, double cpuNoJitPct) {}

  private static int compare(int jobs, int warmup, int seconds) throws Exception {
    System.out.printf("== cron at rest: %,d jobs, %d s warm-up, %d s window, one fresh JVM each ==%n", jobs, warmup, seconds);
    int exit = 0;
    for (String kind : List.of("hourly", "idle")) {
      Sample u = child("upone", kind, jobs, warmup, seconds);
      Sample q = child("quartz", kind, jobs, warmup, seconds);
      for (Sample s : List.of(u, q)) {
        System.out.printf("%-7s %-6s cpu %.3f%% of a core (%.3f%% without the JIT compiler)  fires %,d  fired jitter p50 %d ms  p99 %d ms  max %d ms%s%n",
            s.who(), s.kind(), s.cpuPct(), s.cpuNoJitPct(), s.fires(), s.p50(), s.p99(), s.max(), s.who().equals("upone")
                ? String.format("  (decided: p50 %d ms, p99 %d ms; fired = committed to the log)", s.decidedP50(), s.decidedP99())
                : "  (fired = its job started)");
      }
      System.out.printf("ratio upone/quartz (%s): cpu %.2f (without JIT %.2f), jitter p99 %s (decided %s)%n", kind,
          u.cpuPct() / Math.max(1e-9, q.cpuPct()), u.cpuNoJitPct() / Math.max(1e-9, q.cpuNoJitPct()), q.p99() == 0 ? "n/a" : String.format("%.2f", u.p99() / (double) q.p99()),
          q.p99() == 0 ? "n/a" : String.format("%.2f", u.decidedP99() / (double) q.p99()));
      BenchUtil.result("cron CPU at rest, " + kind + " (% of a core, all threads)", String.format("%.3f (quartz %.3f)",
          u.cpuPct(), q.cpuPct()), "< 1%", u.cpuPct() < 1.0);
      BenchUtil.result("cron CPU at rest, " + kind + " (% of a core, without JIT)", String.format("%.3f (quartz %.3f)",
          u.cpuNoJitPct(), q.cpuNoJitPct()), "no worse than Quartz", u.cpuNoJitPct() <= q.cpuNoJitPct());
      if (kind.equals("hourly")) {
        BenchUtil.result("cron fire jitter p99, committed (ms)", u.p99() + " (quartz started " + q.p99() + ")", "< 50 ms",
            u.p99() < 50);
        BenchUtil.result("cron fire jitter p99, decided (ms)", u.decidedP99() + " (quartz started " + q.p99() + ")",
            "no worse than Quartz", u.decidedP99() <= q.p99());
      }
      if (u.cpuPct() < 0) exit = 1;
    }
    return exit;
  }

  private static Sample child(String who, String kind, int jobs, int warmup, int seconds) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseParallelGC", "-Dcom.google.protobuf.use_unsafe_pre22_gencode",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        CronBench.class.getName(), "--mode", who, "--kind", kind, "--jobs", "" + jobs, "--warmup", "" + warmup,
        "--seconds", "" + seconds));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Sample found = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("SAMPLE|")) {
          String[] f = line.split("\\|");
          found = new Sample(f[1], f[2], Double.parseDouble(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
              Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]), Double.parseDouble(f[10]));
        } else if (line.startsWith("  ") || line.startsWith("FAILED") || line.startsWith("planned")) {
          System.out.println("  [" + who + "] " + line.trim());
        }
      }
    }
    if (!p.waitFor(seconds + warmup + 600, TimeUnit.SECONDS)) p.destroyForcibly();
    if (found == null) throw new IllegalStateException(who + " " + kind + " printed no sample (exit " + p.exitValue() + ")");
    return found;
  }

  // ---- measurement shared by both children ---------------------------------------------------

  /** Scheduled instant → fired (Quartz: its job starts; upone: JobRunFired committed). */
  private static final List<Long> JITTER = Collections.synchronizedList(new ArrayList<>());
  /** upone only: scheduled instant → the planner's decision (the event's timestamp), before the fsync. */
  private static final List<Long> DECIDED = Collections.synchronizedList(new ArrayList<>());

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void measure(String who, String kind, int warmup, int seconds) throws InterruptedException {
    Thread.sleep(warmup * 1000L);
    JITTER.clear();
    DECIDED.clear();
    BenchUtil.Cpu before = BenchUtil.Cpu.take();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long cpu = cpuNanos() - cpu0;
    long wall = System.nanoTime() - t0;
    // where the CPU went, JIT and GC threads included
    double jit = BenchUtil.Cpu.jitShareSince(before);
    System.out.println("  " + BenchUtil.Cpu.since(before, Math.max(1, JITTER.size()), "fire"));
    List<Long> j;
    synchronized (JITTER) {
      j = new ArrayList<>(JITTER);
    }
    List<Long> d;
    synchronized (DECIDED) {
      d = new ArrayList<>(DECIDED);
    }
    System.out.println("SAMPLE|" + who + "|" + kind + "|" + (100.0 * cpu / wall) + "|" + j.size() + "|" + pct(j, 0.5)
        + "|" + pct(j, 0.99) + "|" + pct(j, 1.0) + "|" + pct(d, 0.5) + "|" + pct(d, 0.99) + "|" + (100.0 * cpu * (1 - jit) / wall));
  }

  private static long pct(List<Long> values, double q) {
    if (values.isEmpty()) return 0;
    List<Long> v = new ArrayList<>(values);
    Collections.sort(v);
    return v.get(Math.max(0, Math.min(v.size() - 1, (int) Math.ceil(v.size() * q) - 1)));
  }

  // ---- upone: the CronPlanner on a raft log ----------------------------------------------------

  private static int upone(Path dir, int jobs, String kind, int warmup, int seconds) throws Exception {
    BenchUtil.quiet();
    // the whole server (API, event publisher, task lifecycle, cron planner), no agent: fired
    // runs wait for a task and end MISSED after their 5 s starting deadline, so as in a working
    // cluster only a few runs are active at a time
    List<String> ports = BenchUtil.endpoints(2);
    ServerConfig config = ServerConfig.single(dir.resolve("node"), port(ports.get(0)), port(ports.get(1)));
    UponeServer server = UponeServer.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    if (!server.awaitReady(Duration.ofSeconds(30))) throw new IllegalStateException("no leader");
    RaftEventLog log = server.log();
    log.onCommitted(events -> {
      long now = System.currentTimeMillis();
      for (Event e : events) {
        // scheduled instant → JobRunFired committed (the planner decided a few ms earlier)
        if (e.hasJobRunFired() && !e.getJobRunFired().getManual()) {
          JITTER.add(now - e.getJobRunFired().getScheduledMs());
          DECIDED.add(e.getTimestampMs() - e.getJobRunFired().getScheduledMs());
        }
      }
    });
    long t0 = System.nanoTime();
    List<CompletableFuture<List<Event>>> loading = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      JobSpec spec = JobSpec.newBuilder().setId("/bench/job-" + i).setSchedule(schedule(i, kind)).setTimezone("UTC")
          .setCmd("true").setCpus(0.01).setMem(1).setConcurrencyPolicy(ConcurrencyPolicy.ALLOW)
          .setMissedRunPolicy(MissedRunPolicy.RUN_ALL).setStartingDeadlineSeconds(5).setVersion(1).build();
      loading.add(log.append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
          .setJobCreated(JobCreated.newBuilder().setSpec(spec))).build()));
    }
    CompletableFuture.allOf(loading.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    System.out.printf("planned %,d jobs (created through the log) in %d ms%n", jobs, (System.nanoTime() - t0) / 1_000_000);
    measure("upone", kind, warmup, seconds);
    server.stop().get(60, TimeUnit.SECONDS);
    return 0;
  }

  private static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  // ---- quartz: the same schedules in RAM -------------------------------------------------------

  /** A Quartz job that only records how late it fired. */
  public static final class Fire implements Job {
    @Override
    public void execute(JobExecutionContext ctx) {
      JITTER.add(System.currentTimeMillis() - ctx.getScheduledFireTime().getTime());
    }
  }

  private static void quartz(int jobs, String kind, int warmup, int seconds) throws Exception {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "bench");
    p.setProperty("org.quartz.threadPool.threadCount", "4");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    Scheduler s = new StdSchedulerFactory(p).getScheduler();
    long t0 = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      s.scheduleJob(JobBuilder.newJob(Fire.class).withIdentity("job-" + i).build(),
          TriggerBuilder.newTrigger().withIdentity("t-" + i)
              .withSchedule(CronScheduleBuilder.cronSchedule(schedule(i, kind)).inTimeZone(TimeZone.getTimeZone("UTC")))
              .build());
    }
    s.start();
    System.out.printf("planned %,d jobs in %d ms%n", jobs, (System.nanoTime() - t0) / 1_000_000);
    measure("quartz", kind, warmup, seconds);
    s.shutdown(false);
  }
}
