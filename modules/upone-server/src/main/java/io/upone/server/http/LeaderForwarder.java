package io.upone.server.http;

import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Writes reach a follower too (the VIP may pick any node); the follower passes them to the
 * leader unchanged and relays the answer. A request that was already forwarded once is never
 * forwarded again: during an election the caller gets 503 and retries.
 */
public final class LeaderForwarder {
  public static final String FORWARDED_BY = "X-Upone-Forwarded-By";
  private static final Set<String> RELAYED = Set.of("content-type", "location", "x-upone-event-index", "retry-after",
      "x-upone-caller", "www-authenticate");
  /** The caller's own credentials travel with the request: the leader authenticates the same caller again. */
  private static final List<String> PASSED = List.of("Content-Type", "Authorization", io.upone.agent.AgentSecret.HEADER);

  private final EventLog log;
  private final ServerConfig config;
  private final HttpClient client;

  public LeaderForwarder(Vertx vertx, EventLog log, ServerConfig config) {
    this.log = log;
    this.config = config;
    HttpClientOptions o = new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(16);
    if (config.security().tls()) o.setSsl(true).setTrustOptions(ApiExposure.peerTrust(config.security()));
    this.client = vertx.createHttpClient(o);
  }

  /** Forwards the request when this member does not lead; says whether it did. */
  public boolean forwardedToLeader(RoutingContext ctx) {
    if (log.isLeader()) return false;
    forward(ctx);
    return true;
  }

  public void forward(RoutingContext ctx) {
    if (ctx.request().getHeader(FORWARDED_BY) != null) {
      Problems.send(ctx.response(), unavailable("not_leader", "the node this request was forwarded to is no longer the leader; retry"));
      return;
    }
    String leader = log.leaderEndpoint().orElse(null);
    // a member added after this node started is known from the log
    String url = leader == null ? null : config.httpUrlOf(leader) != null ? config.httpUrlOf(leader)
        : log.view().memberUrl(leader).orElse(null);
    if (url == null) {
      Problems.send(ctx.response(), unavailable("no_leader", "no leader is elected right now; retry in a moment"));
      return;
    }
    URI target = URI.create(url);
    RequestOptions opts = new RequestOptions().setMethod(ctx.request().method()).setHost(target.getHost())
        .setPort(target.getPort()).setURI(ctx.request().uri()).setTimeout(30_000)
        .putHeader(FORWARDED_BY, config.self().raftEndpoint());
    for (String h : PASSED) {
      String v = ctx.request().getHeader(h);
      if (v != null) opts.putHeader(h, v);
    }
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    client.request(opts)
        .compose(req -> req.send(body))
        .compose(res -> res.body().map(b -> relay(ctx, res, b)))
        .onFailure(t -> Problems.send(ctx.response(),
            unavailable("leader_unreachable", "the leader at " + url + " did not answer: " + t.getMessage())));
  }

  private static Void relay(RoutingContext ctx, HttpClientResponse res, Buffer body) {
    if (ctx.response().ended()) return null;
    ctx.response().setStatusCode(res.statusCode());
    res.headers().forEach(h -> {
      if (RELAYED.contains(h.getKey().toLowerCase())) ctx.response().putHeader(h.getKey(), h.getValue());
    });
    ctx.response().end(body);
    return null;
  }

  private static Problem unavailable(String code, String message) {
    return new Problem(Problem.Kind.UNAVAILABLE, code, message, List.of());
  }

  public void close() {
    client.close();
  }
}
