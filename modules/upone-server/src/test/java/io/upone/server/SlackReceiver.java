package io.upone.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A stand-in for Slack's incoming webhooks on loopback: {@code POST /services/...} with a JSON
 * body of the fields Slack's webhooks take ({@code text} required; {@code channel},
 * {@code username}, {@code icon_emoji}, {@code mrkdwn} optional), answered {@code 200 ok}. It
 * can be told to answer 429 with {@code Retry-After}, or 500, for the next requests, and can be
 * stopped (connection refused) and started again on the same port. Anything Slack would refuse
 * is answered {@code 400 invalid_payload} and recorded as a violation.
 */
final class SlackReceiver implements AutoCloseable {
  private static final Set<String> FIELDS = Set.of("text", "channel", "username", "icon_emoji", "mrkdwn");
  private static final Pattern CHANNEL = Pattern.compile("^#[a-z0-9_.-]{1,80}$");
  private static final Pattern EMOJI = Pattern.compile("^:[a-z0-9_+-]+:$");
  /** After Slack's escaping, an '&' only starts one of its three entities; '<' and '>' only in links we never send. */
  private static final Pattern RAW_CONTROL = Pattern.compile("&(?!amp;|lt;|gt;)|[<>]");

  record Received(String path, JsonObject body) {
    String text() {
      return body.getString("text");
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> accepted = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  private int throttleNext;
  private int retryAfterSeconds;
  private int failNext;
  private HttpServer server;
  private int port;

  /** Starts on a free port below the ephemeral range, so it can be started again on it. */
  SlackReceiver start() throws Exception {
    for (int tries = 0; server == null; tries++) {
      int p = port != 0 ? port : 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      try {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(p, "127.0.0.1")
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = p;
      } catch (Exception e) {
        if (port != 0 || tries > 50) throw e;
      }
    }
    return this;
  }

  /** Down: connections are refused until {@link #start()}. */
  void stop() throws Exception {
    if (server != null) server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server = null;
  }

  String webhook(String team) {
    return "http://127.0.0.1:" + port + "/services/T0UPONE/B0" + team + "/secret";
  }

  synchronized void throttle(int next, int retryAfter) {
    throttleNext = next;
    retryAfterSeconds = retryAfter;
  }

  synchronized void fail(int next) {
    failNext = next;
  }

  synchronized List<Received> accepted() {
    return List.copyOf(accepted);
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  private void handle(HttpServerRequest req) {
    requests.incrementAndGet();
    req.body().onSuccess(b -> {
      synchronized (this) {
        if (throttleNext > 0) {
          throttleNext--;
          req.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(retryAfterSeconds)).end("rate_limited");
          return;
        }
        if (failNext > 0) {
          failNext--;
          req.response().setStatusCode(500).end("rollup_error");
          return;
        }
        String problem = problem(req, b.toString());
        if (problem != null) {
          violations.add(problem);
          req.response().setStatusCode(400).end("invalid_payload");
          return;
        }
        accepted.add(new Received(req.path(), new JsonObject(b)));
        req.response().setStatusCode(200).putHeader("Content-Type", "text/html").end("ok");
      }
    });
  }

  private static String problem(HttpServerRequest req, String body) {
    if (req.method() != io.vertx.core.http.HttpMethod.POST) return "method " + req.method();
    if (!req.path().startsWith("/services/")) return "path " + req.path();
    String type = req.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) return "content type " + type;
    JsonObject o;
    try {
      o = new JsonObject(body);
    } catch (DecodeException e) {
      return "not a JSON object: " + body;
    }
    for (String f : o.fieldNames()) if (!FIELDS.contains(f)) return "unknown field " + f;
    if (!(o.getValue("text") instanceof String t) || t.isBlank()) return "text missing: " + body;
    if (o.getString("text").length() > 40_000) return "text over 40,000 characters";
    if (RAW_CONTROL.matcher(o.getString("text")).find()) return "unescaped control character in " + o.getString("text");
    if (o.containsKey("channel") && !(o.getValue("channel") instanceof String c && CHANNEL.matcher(c).matches())) {
      return "channel " + o.getValue("channel");
    }
    if (o.containsKey("username") && !(o.getValue("username") instanceof String u && !u.isBlank())) return "username";
    if (o.containsKey("icon_emoji") && !(o.getValue("icon_emoji") instanceof String e && EMOJI.matcher(e).matches())) {
      return "icon_emoji " + o.getValue("icon_emoji");
    }
    return null;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
