package io.upone.bench;

import io.upone.core.driver.ClusterDriver;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.Scheduling;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.driver.DriverMode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** What the event-log benchmarks share: ports, temp dirs, a windowed driver, CPU and heap readings. */
final class BenchUtil {
  private BenchUtil() {}

  // ---- environment ---------------------------------------------------------------------------

  /** Held so java.util.logging keeps the level: hessian (jraft's RPC) warns about JDK 17 access. */
  private static final java.util.logging.Logger HESSIAN = java.util.logging.Logger.getLogger("com.caucho");

  /** Call first in main, before any SOFA class loads: silences what slf4j does not reach. */
  static void quiet() {
    System.setProperty("sofa.middleware.log.internal.level", "ERROR");
    HESSIAN.setLevel(java.util.logging.Level.OFF);
  }

  /** {@code n} free loopback endpoints, {@code 127.0.0.1:port}. */
  /** A condition a bench waits for. */
  interface Cond {
    boolean ok();
  }

  /** Polls {@code c} every 5 ms until it holds; fails after {@code timeoutMs}. */
  static void await(Cond c, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!c.ok()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("bench timed out");
      Thread.sleep(5);
    }
  }

  /** A loopback port free now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static List<String> endpoints(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    List<String> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        out.add("127.0.0.1:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) s.close();
    }
    return out;
  }

  private static final List<Path> TEMP_DIRS = new ArrayList<>();

  static {
    // even on an exception or Ctrl-C, no temp dir stays behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (TEMP_DIRS) {
        for (Path p : TEMP_DIRS) deleteQuietly(p);
      }
    }, "bench-cleanup"));
  }

  /** A temp dir that is deleted when the JVM exits (and by {@link #deleteQuietly}). */
  static Path tempDir(String prefix) throws IOException {
    Path p = Files.createTempDirectory(prefix);
    synchronized (TEMP_DIRS) {
      TEMP_DIRS.add(p);
    }
    return p;
  }

  static void deleteQuietly(Path p) {
    if (!Files.exists(p)) return;
    try (var s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not delete " + p + ": " + e);
    }
  }

  static long dirBytes(Path p) throws IOException {
    if (!Files.exists(p)) return 0;
    try (var s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /**
   * The scheduling verticles of one node (offers, lifecycle, cron, driver) on {@code vertx}, with
   * {@code driver} behind the cluster-driver port, reading {@code leader}'s committed-event feed.
   */
  static void deployScheduler(Vertx vertx, RaftEventLog leader,
                              java.util.function.BiFunction<Vertx, io.vertx.core.Context, ClusterDriver> driver)
      throws Exception {
    CommittedFeed.start(vertx, leader);
    Scheduling.deploy(vertx, leader, SchedulerConfig.defaults(), DriverMode.of("bench", driver), Clock.systemUTC())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Starts an {@code nodes}-member raft group on loopback under {@code dir} (n0, n1, ...), adding
   * each member to {@code logs} as it starts (so the caller closes them all), and returns the leader.
   */
  static RaftEventLog startGroup(Path dir, int nodes, List<RaftEventLog> logs) throws Exception {
    List<String> peers = endpoints(nodes);
    for (int i = 0; i < nodes; i++) {
      logs.add(RaftEventLog.start(io.upone.eventlog.RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers)));
    }
    return awaitLeader(logs, 30_000);
  }

  static RaftEventLog awaitLeader(List<RaftEventLog> logs, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      for (RaftEventLog l : logs) if (l.isLeader()) return l;
      Thread.sleep(5);
    }
    throw new IllegalStateException("no leader within " + timeoutMs + " ms");
  }

  // ---- the windowed driver -------------------------------------------------------------------

  interface Op {
    /** Starts operation i; calls {@code done} with null (ok) or the failure when it completes. */
    void start(int i, Consumer<Throwable> done);
  }

  /** Outcome of one driven run. */
  record Run(long ops, double seconds, long p50Micros, long p99Micros, long maxMicros) {
    double perSecond() {
      return ops / seconds;
    }
  }

  /**
   * Runs {@code n} asynchronous operations from the calling thread, in order of i, with at most
   * {@code window} in flight (the same driver for upone and the raw baseline). Fails on the first
   * failed operation or when the run takes longer than {@code timeoutMs}.
   */
  static Run drive(int n, int window, long timeoutMs, Op op) throws InterruptedException {
    Semaphore inFlight = new Semaphore(window);
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong failed = new AtomicLong();
    long[] startedAt = new long[n];
    long[] latency = new long[n];
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() > deadline) throw timeout(n, done, failure);
      }
      if (failure.get() != null) break;
      final int k = i;
      startedAt[k] = System.nanoTime();
      op.start(k, t -> {
        latency[k] = System.nanoTime() - startedAt[k];
        if (t != null) {
          failed.incrementAndGet();
          failure.compareAndSet(null, t);
        }
        inFlight.release();
        done.countDown();
      });
    }
    if (failure.get() != null) throw new IllegalStateException("an operation failed", failure.get());
    long left = deadline - System.nanoTime();
    if (!done.await(Math.max(left, 0), TimeUnit.NANOSECONDS)) throw timeout(n, done, failure);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException(failed.get() + " of " + n + " operations failed", failure.get());
    }
    Arrays.sort(latency);
    return new Run(n, secs, latency[n / 2] / 1000, latency[(int) (n * 0.99)] / 1000, latency[n - 1] / 1000);
  }

  private static IllegalStateException timeout(int n, CountDownLatch done, AtomicReference<Throwable> failure) {
    return new IllegalStateException("timed out: " + (n - done.getCount()) + " of " + n + " operations done",
        failure.get());
  }

  // ---- CPU: where the time goes --------------------------------------------------------------

  /**
   * CPU time of the process, of every live Java thread, and of the JVM's own JIT and GC threads
   * (read from /proc on Linux), to tell where a run spent its time.
   */
  static final class Cpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long process;
    private final Map<Long, Long> byThread = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<String, Long> jvm = jvmThreads();
    private final long wall = System.nanoTime();
    private final long gcCount;
    private final long gcMillis;

    private Cpu() {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        long c = THREADS.getThreadCpuTime(t.getId());
        if (c >= 0) {
          byThread.put(t.getId(), c);
          names.put(t.getId(), t.getName());
        }
      }
      process = processCpuNanos();
      long c = 0;
      long t = 0;
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        c += Math.max(0, gc.getCollectionCount());
        t += Math.max(0, gc.getCollectionTime());
      }
      gcCount = c;
      gcMillis = t;
    }

    static Cpu take() {
      return new Cpu();
    }

    private static long processCpuNanos() {
      var os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
      return -1;
    }

    /** CPU of the JVM's JIT compiler and GC threads (not Java threads), by kind; empty off Linux. */
    private static Map<String, Long> jvmThreads() {
      Map<String, Long> out = new HashMap<>();
      java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
      if (tasks == null) return out;
      for (java.io.File task : tasks) {
        try {
          String stat = Files.readString(task.toPath().resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
          String kind = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "(JIT compiler threads)"
              : comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")
              ? "(GC threads and VM thread)" : null;
          if (kind != null) out.merge(kind, ticks * 10_000_000L, Long::sum); // USER_HZ = 100
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
      return out;
    }

    /** Share of the process CPU since {@code before} that went to the JIT compiler threads. */
    static double jitShareSince(Cpu before) {
      Cpu now = take();
      long total = now.process - before.process;
      long jit = now.jvm.getOrDefault("(JIT compiler threads)", 0L) - before.jvm.getOrDefault("(JIT compiler threads)", 0L);
      return total <= 0 ? 0 : jit / (double) total;
    }

    /** Thread names with digits folded, so the 3 members' threads of one kind add up. */
    private static String kind(String name) {
      return name.replaceAll("<[^>]*>", "").replaceAll("[0-9]+", "#").replaceAll("[-_ #]+$", "");
    }

    /** CPU used since {@code before}: total core-seconds and the busiest thread kinds. */
    static String since(Cpu before, long ops, String unit) {
      Cpu now = take();
      long total = now.process - before.process;
      double wallS = (now.wall - before.wall) / 1e9;
      Map<String, Long> kinds = new HashMap<>();
      long known = 0;
      for (var e : now.byThread.entrySet()) {
        long d = e.getValue() - before.byThread.getOrDefault(e.getKey(), 0L);
        if (d <= 0) continue;
        known += d;
        kinds.merge(kind(now.names.get(e.getKey())), d, Long::sum);
      }
      for (var e : now.jvm.entrySet()) {
        long d = e.getValue() - before.jvm.getOrDefault(e.getKey(), 0L);
        if (d <= 0) continue;
        known += d;
        kinds.merge(e.getKey(), d, Long::sum);
      }
      if (total > known) kinds.put("(other: exited threads, native)", total - known);
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("cpu %.2f core-s over %.2f s wall (%.2f cores busy), %.1f us cpu per %s;"
              + " gc pauses %d, %,d ms; busiest threads:",
          total / 1e9, wallS, total / 1e9 / wallS, total / 1e3 / ops, unit, now.gcCount - before.gcCount,
          now.gcMillis - before.gcMillis));
      kinds.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(7)
          .forEach(e -> sb.append(String.format("%n        %5.1f%%  %s", 100.0 * e.getValue() / total, e.getKey())));
      return sb.toString();
    }
  }

  // ---- heap ----------------------------------------------------------------------------------

  /** Used heap after full collections (several, until it stops shrinking). */
  static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(50);
      long used = mem.getHeapMemoryUsage().getUsed();
      if (i >= 2 && used >= last - (256 << 10)) return Math.min(used, last);
      last = Math.min(last, used);
    }
    return last;
  }

  // ---- printing ------------------------------------------------------------------------------

  static String n(double v) {
    return String.format("%,.0f", v);
  }

  /** A line the summary script collects: {@code RESULT|name|value|target|verdict}. */
  static void result(String name, String value, String target, Boolean met) {
    System.out.println("RESULT|" + name + "|" + value + "|" + target + "|" + (met == null ? "-" : met ? "MET" : "NOT MET"));
  }

  /** The body of a benchmark's main: given a scratch directory, returns the exit code. */
  interface Body {
    int run(Path dir) throws Exception;
  }

  /** Runs a benchmark in a scratch directory that is always deleted, prints a failure, exits with its code. */
  static void runAndExit(String tempPrefix, Body body) throws IOException {
    Path dir = tempDir(tempPrefix);
    int exit;
    try {
      exit = body.run(dir);
    } catch (Exception e) {
      System.out.println("FAILED: " + e);
      e.printStackTrace(System.out);
      exit = 1;
    } finally {
      deleteQuietly(dir);
    }
    System.out.flush();
    System.exit(exit);
  }

  /**
   * {@code --key value} pairs over the given defaults; {@code optional} keys have no default.
   * Underscores in values are digit separators ({@code 300_000}).
   */
  static java.util.Map<String, String> options(String[] args, java.util.Map<String, String> defaults, String... optional) {
    java.util.Map<String, String> o = new java.util.LinkedHashMap<>(defaults);
    List<String> extra = List.of(optional);
    for (int i = 0; i + 1 < args.length; i += 2) {
      String k = args[i].replaceFirst("^--", "");
      if (!o.containsKey(k) && !extra.contains(k)) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + o.keySet()
            + (extra.isEmpty() ? "" : ", " + String.join(", ", extra)));
      }
      o.put(k, args[i + 1].replace("_", ""));
    }
    return o;
  }
}
