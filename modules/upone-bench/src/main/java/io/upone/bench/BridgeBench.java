package io.upone.bench;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.server.UponeServer;
import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The event bus bridge under load: one node (single-member raft), 10 TCP bridge clients in a
 * separate Vert.x instance of the same JVM, each registered live on {@code upone.events.task}.
 * Baseline in the same run: an in-process event bus consumer of the same address on the node.
 * <ol>
 *   <li>throughput: {@code events} events appended as fast as the log takes them (proposals of
 *   {@code batch}); events/s until every client (and the baseline) has all of them;</li>
 *   <li>latency: {@code paced} events at {@code rate}/s; commit (applied on the node, the log's
 *   committed callback) → received by the client's socket, p50/p99 over every client and event.</li>
 * </ol>
 */
public final class BridgeBench {
  private static final String INDEX = "\"index\":\"";

  private BridgeBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchUtil.options(args, Map.of("events", "100000", "batch", "100", "clients", "10",
        "paced", "20000", "rate", "2000"));
    BenchUtil.runAndExit("upone-bridge-bench", dir -> run(dir, Integer.parseInt(o.get("events")),
        Integer.parseInt(o.get("batch")), Integer.parseInt(o.get("clients")), Integer.parseInt(o.get("paced")),
        Integer.parseInt(o.get("rate"))));
  }

  /** When each event was committed and when each reader received it, by event index. */
  private static final class Times {
    final long base;
    final AtomicLongArray committed;
    final List<AtomicLongArray> received = new ArrayList<>();

    Times(long base, int size, int readers) {
      this.base = base;
      committed = new AtomicLongArray(size);
      for (int i = 0; i < readers; i++) received.add(new AtomicLongArray(size));
    }

    /** Records when {@code reader} received event {@code index}. */
    void received(int reader, long index, long now) {
      int i = (int) (index - base);
      if (i >= 0 && i < committed.length()) received.get(reader).set(i, now);
    }
  }

  static int run(Path dir, int events, int batch, int clients, int paced, int rate) throws Exception {
    BenchUtil.quiet();
    List<String> ports = BenchUtil.endpoints(2);
    int http = Integer.parseInt(ports.get(0).split(":")[1]);
    int raft = Integer.parseInt(ports.get(1).split(":")[1]);
    // a large bound: this measures delivery, not the cut-off
    ServerConfig cfg = ServerConfig.single(dir, http, raft)
        .withBridge(BridgeConfig.defaults().withTcpPort(0).withLimits(1 << 16, 256 << 20, 1_000_000));
    UponeServer node = UponeServer.start(cfg).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Vertx clientVertx = Vertx.vertx();
    try {
      if (!node.awaitReady(Duration.ofSeconds(30))) throw new IllegalStateException("node not ready");
      long base = node.log().state().lastEventIndex() + 1;
      int total = events + paced;
      // reader 0: the in-process consumer (baseline); readers 1..clients: bridge clients
      Times times = new Times(base, total, clients + 1);
      long lastThroughput = base + events - 1;
      long lastPaced = base + total - 1;
      CountDownLatch throughputDone = new CountDownLatch(clients + 1);
      CountDownLatch pacedDone = new CountDownLatch(clients + 1);
      node.log().onCommitted(list -> {
        long now = System.nanoTime();
        for (Event e : list) {
          int i = (int) (e.getIndex() - base);
          if (i >= 0 && i < total) times.committed.set(i, now);
        }
      });
      CompletableFuture<Void> consumer = new CompletableFuture<>();
      node.vertx().eventBus().<JsonObject>localConsumer("upone.events.task", m -> {
        long index = Long.parseLong(m.body().getString("index"));
        times.received(0, index, System.nanoTime());
        if (index == lastThroughput) throughputDone.countDown();
        if (index == lastPaced) pacedDone.countDown();
      }).completionHandler(ar -> consumer.complete(null));
      consumer.get(10, TimeUnit.SECONDS);
      for (int c = 1; c <= clients; c++) {
        connect(clientVertx, node.bridgeTcpPort(), c, times, lastThroughput, lastPaced, throughputDone, pacedDone)
            .get(30, TimeUnit.SECONDS);
      }

      // 1. throughput
      long t0 = System.nanoTime();
      BenchUtil.drive(events / batch, 64, 600_000, (k, done) ->
          node.log().append(proposal(batch, k)).whenComplete((r, t) -> done.accept(t)));
      if (!throughputDone.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("not every reader got every event");
      long[] lastAt = new long[clients + 1];
      for (int r = 0; r <= clients; r++) lastAt[r] = times.received.get(r).get(events - 1);
      double baselineSecs = (lastAt[0] - t0) / 1e9;
      double bridgeSecs = (Arrays.stream(lastAt, 1, clients + 1).max().orElseThrow() - t0) / 1e9;
      System.out.printf("throughput: %,d events appended in proposals of %d, %d bridge clients (TCP, live on upone.events.task)%n",
          events, batch, clients);
      System.out.printf("  in-process consumer (baseline): %,.0f events/s%n", events / baselineSecs);
      System.out.printf("  each bridge client:             %,.0f events/s (the slowest of %d; %,.0f events/s delivered in all)%n",
          events / bridgeSecs, clients, (double) events * clients / bridgeSecs);
      System.out.printf("  ratio bridge client / baseline: %.2f%n", baselineSecs / bridgeSecs);

      // 2. latency at a steady rate
      int perTick = 10;
      long periodNanos = TimeUnit.SECONDS.toNanos(1) * perTick / rate;
      long start = System.nanoTime();
      List<CompletableFuture<List<Event>>> appends = new ArrayList<>();
      for (int k = 0; k < paced / perTick; k++) {
        long due = start + k * periodNanos;
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) LockSupport.parkNanos(due - now);
        appends.add(node.log().append(proposal(perTick, k)));
      }
      CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      if (!pacedDone.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("not every reader got every paced event");
      long[] baseline = latencies(times, 0, events, total);
      long[] bridge = new long[clients * paced];
      for (int r = 1; r <= clients; r++) System.arraycopy(latencies(times, r, events, total), 0, bridge, (r - 1) * paced, paced);
      Arrays.sort(baseline);
      Arrays.sort(bridge);
      System.out.printf("latency commit -> reader: %,d events at %,d/s%n", paced, rate);
      System.out.printf("  in-process consumer (baseline): p50 %.2f ms, p99 %.2f ms%n", baseline[paced / 2] / 1e6,
          BenchHttp.pct(baseline, 99) / 1e6);
      System.out.printf("  bridge clients (all %d):        p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", clients,
          bridge[bridge.length / 2] / 1e6, BenchHttp.pct(bridge, 99) / 1e6, bridge[bridge.length - 1] / 1e6);
      System.out.printf("  ratio p99 bridge / baseline:    %.1f%n", (double) BenchHttp.pct(bridge, 99) / Math.max(1, BenchHttp.pct(baseline, 99)));
      return 0;
    } finally {
      clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      node.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static long[] latencies(Times times, int reader, int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) out[i - from] = times.received.get(reader).get(i) - times.committed.get(i);
    return out;
  }

  /** {@code n} status changes of tasks nobody knows: committed and numbered, no other effect. */
  private static Proposal proposal(int n, int k) {
    Proposal.Builder p = Proposal.newBuilder();
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      p.addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(TaskStatusChanged.newBuilder()
          .setTaskId("bench.nobody-" + k + "-" + i).setState(TaskState.TASK_RUNNING).setMessage("bridge bench")));
    }
    return p.build();
  }

  /** One bridge client: 4-byte length + JSON frames, registered live; completes once registered. */
  private static CompletableFuture<Void> connect(Vertx vertx, int port, int reader, Times times, long lastThroughput,
                                                 long lastPaced, CountDownLatch throughputDone, CountDownLatch pacedDone) {
    CompletableFuture<Void> registered = new CompletableFuture<>();
    vertx.createNetClient().connect(port, "127.0.0.1").onFailure(registered::completeExceptionally).onSuccess(socket -> {
      RecordParser parser = RecordParser.newFixed(4);
      int[] length = {-1};
      parser.handler(chunk -> {
        if (length[0] < 0) {
          length[0] = chunk.getInt(0);
          parser.fixedSizeMode(length[0]);
          return;
        }
        length[0] = -1;
        parser.fixedSizeMode(4);
        // the index is read straight from the frame's text: ten JSON parsers on this machine's two cores
        // would measure the clients, not the bridge
        String text = chunk.toString(StandardCharsets.UTF_8);
        int at = text.indexOf(INDEX);
        if (text.startsWith("{\"type\":\"message\"") && at >= 0) {
          long index = Long.parseLong(text, at + INDEX.length(), text.indexOf('"', at + INDEX.length()), 10);
          times.received(reader, index, System.nanoTime());
          if (index == lastThroughput) throughputDone.countDown();
          if (index == lastPaced) pacedDone.countDown();
        } else if (text.contains("\"pong\"")) {
          registered.complete(null);
        } else {
          registered.completeExceptionally(new IllegalStateException("bridge said " + text));
        }
      });
      socket.handler(parser);
      write(socket, new JsonObject().put("type", "register").put("address", "upone.events.task"));
      write(socket, new JsonObject().put("type", "ping"));
    });
    return registered;
  }

  private static void write(NetSocket socket, JsonObject frame) {
    Buffer body = frame.toBuffer();
    socket.write(Buffer.buffer(4 + body.length()).appendInt(body.length()).appendBuffer(body));
  }
}
