package io.upone.server;

import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A real upone node on loopback for tests, and a plain JDK HTTP client to talk to it. */
final class TestNode implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final ServerConfig config;
  volatile UponeServer server;

  TestNode(ServerConfig config) {
    this.config = config;
  }

  static TestNode single(Path dir) {
    return new TestNode(ServerConfig.single(dir, freePort(), freePort()));
  }

  /** Three configs sharing one peer list. */
  static List<ServerConfig> group(Path dir) {
    int[] raft = {freePort(), freePort(), freePort()};
    int[] http = {freePort(), freePort(), freePort()};
    List<Peer> peers = List.of(
        Peer.parse("127.0.0.1:" + raft[0] + "/" + http[0]),
        Peer.parse("127.0.0.1:" + raft[1] + "/" + http[1]),
        Peer.parse("127.0.0.1:" + raft[2] + "/" + http[2]));
    return List.of(0, 1, 2).stream()
        .map(i -> ServerConfig.single(dir.resolve("n" + i), http[i], raft[i]).withPeers(peers.get(i), peers))
        .toList();
  }

  /** A single node for tests with agents: quick heartbeats (200 ms), agents lost after 2 s. */
  static TestNode agentMaster(Path dir) throws Exception {
    ServerConfig cfg = ServerConfig.single(dir.resolve("master"), freePort(), freePort())
        .withScheduler(io.upone.server.config.SchedulerConfig.defaults().withAgentTimeout(200, 2000));
    return new TestNode(cfg).startReady();
  }

  /** The node of {@code nodes} that leads, once one does. */
  static TestNode leaderOf(List<TestNode> nodes) throws InterruptedException {
    TestNode[] found = new TestNode[1];
    await("a leader", Duration.ofSeconds(30), () -> {
      for (TestNode n : nodes) {
        if (n.server != null && n.server.log().isLeader()) {
          found[0] = n;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  TestNode start() throws Exception {
    try {
      server = UponeServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the node did not start in 60 s; threads at work: " + busyThreads(), e);
    }
    return this;
  }

  TestNode startReady() throws Exception {
    start();
    if (!server.awaitReady(Duration.ofSeconds(30))) throw new AssertionError("node did not become ready");
    return this;
  }

  String url() {
    return config.self().httpUrl();
  }

  Resp get(String path) {
    return send("GET", path, null, null);
  }

  Resp post(String path, String body) {
    return send("POST", path, body, "application/json");
  }

  Resp put(String path, String body) {
    return send("PUT", path, body, "application/json");
  }

  Resp delete(String path) {
    return send("DELETE", path, null, null);
  }

  Resp send(String method, String path, String body, String contentType) {
    return request(url(), method, path, body, contentType);
  }

  /** One request to any HTTP server of the test (a node, an agent). */
  static Resp request(String base, String method, String path, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long lastEventIndex() {
    return server.log().state().lastEventIndex();
  }

  /** Events since {@code from} whose payload is {@code field} (the JSON name, e.g. alertRaised), from the API. */
  java.util.List<io.vertx.core.json.JsonObject> events(long from, String field) {
    String body = get("/v1/events?from=" + from + "&follow=false").body();
    return body.lines().filter(l -> !l.isBlank()).map(io.vertx.core.json.JsonObject::new).filter(e -> e.containsKey(field)).toList();
  }

  void stop() throws Exception {
    if (server != null) {
      server.stop().get(30, TimeUnit.SECONDS);
      server = null;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  /** The running threads and their top frames, for a failure that would otherwise say only "timeout". */
  static String busyThreads() {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getState() != Thread.State.RUNNABLE || stack.length == 0) return;
      String top = stack[0].toString();
      if (top.contains("epollWait") || top.contains("accept") || top.contains("socketRead")) return; // idle I/O
      out.append("\n  ").append(t.getName()).append(" at ").append(top);
      if (stack.length > 1) out.append(" < ").append(stack[1]);
    });
    return out.length() == 0 ? "none" : out.toString();
  }

  /** Stops every node, even when one of them fails to stop (a node left running would load the later tests). */
  static void closeAll(List<TestNode> nodes) throws Exception {
    Exception first = null;
    for (TestNode n : nodes) {
      try {
        n.close();
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first != null) throw first;
  }

  record Resp(int status, String body, HttpResponse<String> raw) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
    io.upone.core.testing.Poll.until(what, timeout, cond);
  }
}
