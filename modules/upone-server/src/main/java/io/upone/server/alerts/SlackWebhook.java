package io.upone.server.alerts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Posts messages to Slack incoming webhooks: {@code POST <webhook>} with a JSON body
 * ({@code text}, and {@code channel}, {@code username}, {@code icon_emoji} when set), which Slack
 * answers 200 {@code ok}, 429 with {@code Retry-After} (seconds), or an error status and code.
 */
final class SlackWebhook {
  /** How a post went: the status (0 = no answer) and, for 429, how long Slack asks us to wait. */
  record Delivery(int status, long retryAfterMs, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** Worth trying again: no answer, throttled, or the server's fault. */
    boolean retry() {
      return status == 0 || status == 429 || status >= 500 || status == 408;
    }
  }

  private final WebClient client;
  private final long timeoutMs;

  SlackWebhook(Vertx vertx, long timeoutMs) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) Math.min(timeoutMs, 5000))
        .setUserAgent("upone-alerts").setKeepAlive(true));
    this.timeoutMs = timeoutMs;
  }

  static JsonObject payload(Route route, String text, AlertSettings s) {
    JsonObject o = new JsonObject().put("text", text);
    if (!route.slackChannel().isEmpty()) o.put("channel", route.slackChannel());
    if (!s.username().isEmpty()) o.put("username", s.username());
    if (!s.iconEmoji().isEmpty()) o.put("icon_emoji", s.iconEmoji());
    return o;
  }

  Future<Delivery> post(Route route, JsonObject payload) {
    return client.postAbs(route.webhook()).timeout(timeoutMs).putHeader("Content-Type", "application/json; charset=utf-8")
        .sendBuffer(payload.toBuffer())
        .map(r -> new Delivery(r.statusCode(), retryAfterMs(r.getHeader("Retry-After")), r.bodyAsString() == null ? "" : r.bodyAsString()))
        .otherwise(t -> new Delivery(0, 0, String.valueOf(t.getMessage())));
  }

  /** Retry-After in seconds (what Slack sends); absent or unreadable: 1 s. */
  static long retryAfterMs(String header) {
    if (header == null) return 1000;
    try {
      return Math.max(0, Math.min(3600, Long.parseLong(header.trim()))) * 1000;
    } catch (NumberFormatException e) {
      return 1000;
    }
  }

  void close() {
    client.close();
  }
}
