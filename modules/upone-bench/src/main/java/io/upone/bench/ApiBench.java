package io.upone.bench;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.UponeServer;
import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP write path as clients see it: N clients, each creating apps of 0 instances one after
 * another ({@code POST /v1/apps}, answered once committed), for a fixed time; throughput and
 * latency p50/p99 from the clients' side. On one node, then on the leader and through a follower
 * of a 3-node group. Baseline in the same run: the same proposals appended by N threads straight
 * to the same log (no HTTP, no JSON), which is what the API could reach at most.
 */
public final class ApiBench {
  private ApiBench() {}

  /** What the first failed write of a run met (printed with the figures). */
  private static final java.util.concurrent.atomic.AtomicReference<String> FIRST_ERROR = new java.util.concurrent.atomic.AtomicReference<>();

  /** {@code cpuUsPerWrite}: the JVM's CPU time (servers and clients) per write, less sensitive than rates to a shared machine. */
  record Figures(double perSecond, long p50Us, long p99Us, long errors, long cpuUsPerWrite, String firstError) {
    @Override
    public String toString() {
      return String.format("%,.0f writes/s, p50 %.1f ms, p99 %.1f ms, CPU %d µs/write%s", perSecond, p50Us / 1000.0,
          p99Us / 1000.0, cpuUsPerWrite, errors > 0 ? ", " + errors + " errors (first: " + firstError + ")" : "");
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("clients", "20", "seconds", "10", "warmup", "3"));
    BenchUtil.quiet();
    int clients = Integer.parseInt(o.get("clients"));
    int seconds = Integer.parseInt(o.get("seconds"));
    int warmup = Integer.parseInt(o.get("warmup"));
    BenchUtil.runAndExit("upone-api-bench", dir -> run(dir, clients, seconds, warmup));
  }

  private static int run(Path dir, int clients, int seconds, int warmup) throws Exception {
    System.out.printf("api bench: %d clients creating apps (0 instances) for %d s after %d s of warm-up%n", clients, seconds, warmup);
    List<String> ports = BenchUtil.endpoints(2);
    UponeServer one = UponeServer.start(ServerConfig.single(dir.resolve("one"), port(ports.get(0)), port(ports.get(1))))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Figures single;
    Figures direct;
    try {
      if (!one.awaitReady(Duration.ofSeconds(30))) throw new IllegalStateException("no leader");
      String url = "http://127.0.0.1:" + port(ports.get(0));
      http(url, "warm", clients, warmup);
      single = http(url, "one", clients, seconds);
      direct = direct(one.log(), "direct", clients, seconds);
    } finally {
      one.stop().get(30, TimeUnit.SECONDS);
    }
    System.out.printf("  one node, through the API: %s%n", single);
    System.out.printf("  one node, baseline (the same proposals appended to the log by %d threads): %s%n", clients, direct);

    List<String> raft = BenchUtil.endpoints(3);
    List<String> http = BenchUtil.endpoints(3);
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) peers.add(Peer.parse(raft.get(i) + "/" + port(http.get(i))));
    List<UponeServer> group = new ArrayList<>();
    Figures leader;
    Figures follower;
    try {
      for (int i = 0; i < 3; i++) {
        group.add(UponeServer.start(ServerConfig.single(dir.resolve("n" + i), port(http.get(i)), port(raft.get(i)))
            .withPeers(peers.get(i), peers)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
      }
      int li = -1;
      long deadline = System.currentTimeMillis() + 30_000;
      while (li < 0 && System.currentTimeMillis() < deadline) {
        for (int i = 0; i < 3; i++) if (group.get(i).log().isLeader()) li = i;
        Thread.sleep(20);
      }
      if (li < 0) throw new IllegalStateException("no leader in the group");
      int fi = (li + 1) % 3;
      String leaderUrl = "http://127.0.0.1:" + port(http.get(li));
      String followerUrl = "http://127.0.0.1:" + port(http.get(fi));
      http(leaderUrl, "warm3", clients, warmup);
      leader = http(leaderUrl, "leader", clients, seconds);
      follower = http(followerUrl, "follower", clients, seconds);
    } finally {
      for (UponeServer s : group) s.stop().get(30, TimeUnit.SECONDS);
    }
    System.out.printf("  3-node group, on the leader: %s%n", leader);
    System.out.printf("  3-node group, through a follower (forwarded to the leader): %s%n", follower);

    BenchUtil.result("API writes/s, one node (" + clients + " clients)", String.format("%.0f", single.perSecond()),
        ">= 3000 (" + String.format("%.2f", single.perSecond() / direct.perSecond()) + "x the log appended directly)",
        single.perSecond() >= 3000);
    BenchUtil.result("API writes/s, 3-node leader", String.format("%.0f (p99 %.1f ms)", leader.perSecond(), leader.p99Us() / 1000.0),
        ">= 3000, p99 < 30 ms", leader.perSecond() >= 3000 && leader.p99Us() < 30_000);
    BenchUtil.result("API writes/s, 3-node follower", String.format("%.0f (p99 %.1f ms)", follower.perSecond(),
        follower.p99Us() / 1000.0), "p99 < 60 ms", follower.p99Us() < 60_000);
    return 0;
  }

  private static String app(String id) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"sleep 600\", \"cpus\": 0.01, \"mem\": 1, \"instances\": 0}";
  }

  /** {@code clients} threads, each POSTing apps one after another for {@code seconds}. */
  private static Figures http(String url, String tag, int clients, int seconds) throws Exception {
    return load(clients, seconds, (c, i) -> {
      HttpResponse<Void> r = BenchHttp.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/apps"))
          .POST(HttpRequest.BodyPublishers.ofString(app("/bench/api/" + tag + "/c" + c + "-" + i)))
          .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 201) FIRST_ERROR.compareAndSet(null, "HTTP " + r.statusCode());
      return r.statusCode() == 201;
    });
  }

  /** The same writes as proposals appended straight to the log, each waited for. */
  private static Figures direct(RaftEventLog log, String tag, int clients, int seconds) throws Exception {
    return load(clients, seconds, (c, i) -> {
      AppSpec spec = AppSpec.newBuilder().setId("/bench/api/" + tag + "/c" + c + "-" + i).setCmd("sleep 600").setCpus(0.01)
          .setMem(1).setVersion(1).build();
      log.append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
          .setAppCreated(AppCreated.newBuilder().setSpec(spec))).build()).get(30, TimeUnit.SECONDS);
      return true;
    });
  }

  interface Write {
    boolean run(int client, long i) throws Exception;
  }

  private static Figures load(int clients, int seconds, Write write) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<long[]> latencies = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    long[] counts = new long[clients];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long[] mine = new long[1 << 20];
      latencies.add(mine);
      int client = c;
      Thread t = new Thread(() -> {
        long i = 0;
        while (System.nanoTime() < end && i < mine.length) {
          long t0 = System.nanoTime();
          try {
            if (!write.run(client, i)) errors.incrementAndGet();
          } catch (Exception e) {
            FIRST_ERROR.compareAndSet(null, e.toString());
            errors.incrementAndGet();
          }
          mine[(int) i] = (System.nanoTime() - t0) / 1000;
          i++;
        }
        counts[client] = i;
      }, "api-client-" + c);
      threads.add(t);
      t.start();
    }
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    for (Thread t : threads) t.join();
    double wall = (System.nanoTime() - t0) / 1e9;
    long cpu = processCpuNanos() - cpu0;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int k = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies.get(c), 0, all, k, (int) counts[c]);
      k += (int) counts[c];
    }
    Arrays.sort(all);
    return new Figures((total - errors.get()) / wall, BenchHttp.pct(all, 50), BenchHttp.pct(all, 99), errors.get(),
        total == 0 ? 0 : cpu / 1000 / total, FIRST_ERROR.getAndSet(null));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }
}
