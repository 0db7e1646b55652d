package io.upone.server.http;

import io.upone.agent.AgentSecret;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.server.auth.ApiTokens;
import io.upone.server.auth.Caller;
import io.upone.server.auth.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every route: who is calling, and may they. API routes need a bearer
 * token whose role covers the route's class (reads: read; changes: write; the group itself:
 * admin); the agents' routes need the agent secret instead; {@code /health} and the UI's
 * static files are open. A follower checks before it forwards, and forwards the caller's own
 * credentials, so the leader checks the same caller again and names them in
 * {@value #CALLER_HEADER}.
 */
public final class ApiGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ApiGuard.class);
  public static final String CALLER_HEADER = "X-Upone-Caller";
  public static final String CALLER_KEY = "upone.caller";

  private final ApiTokens tokens;
  private final String agentSecret;

  public ApiGuard(ApiTokens tokens, String agentSecret) {
    this.tokens = tokens;
    this.agentSecret = agentSecret;
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (agentRoute(req)) {
      if (AgentSecret.matches(agentSecret, req.getHeader(AgentSecret.HEADER))) {
        ctx.next();
      } else {
        refuse(ctx, 401, "agent_unauthenticated", "this route is for upone agents: send the shared agent secret",
            AgentSecret.HEADER, "must be the agent secret the master is configured with");
      }
      return;
    }
    Role needed = needed(req.method(), req.path());
    if (needed == null || !tokens.enabled()) {
      ctx.next();
      return;
    }
    Optional<Caller> caller = tokens.callerOf(bearer(req.getHeader("Authorization")));
    if (caller.isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"upone\"");
      refuse(ctx, 401, "unauthenticated", "send an API token: Authorization: Bearer <token>", "Authorization",
          req.getHeader("Authorization") == null ? "is required" : "is not a known bearer token");
      return;
    }
    Caller c = caller.get();
    if (!c.role().allows(needed)) {
      refuse(ctx, 403, "forbidden", c.name() + " has role " + c.role().label() + "; " + req.method() + " " + req.path()
          + " needs " + needed.label(), "Authorization", "role " + c.role().label() + " may not do this; it needs " + needed.label());
      return;
    }
    ctx.put(CALLER_KEY, c);
    ctx.response().putHeader(CALLER_HEADER, c.name());
    if (needed != Role.READ) LOG.info("{} {} by {} ({})", req.method(), req.path(), c.name(), c.role().label());
    ctx.next();
  }

  /** The role a request needs, or null for an open one. */
  static Role needed(HttpMethod method, String path) {
    if (!path.startsWith("/v1/") && !path.equals("/metrics")) return null; // /health, the UI's files
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) return Role.READ;
    if (path.startsWith("/v1/cluster/") || path.equals("/v1/framework/teardown")) return Role.ADMIN;
    return Role.WRITE;
  }

  static boolean agentRoute(HttpServerRequest req) {
    return req.method() == HttpMethod.POST && (req.path().equals("/v1/agents/heartbeat") || req.path().equals("/v1/agents/status"));
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return header.substring(7).strip();
  }

  private static void refuse(RoutingContext ctx, int status, String code, String message, String field, String reason) {
    Problem p = new Problem(Problem.Kind.INVALID, code, message, List.of(new FieldError(field, reason)));
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Problems.body(p).encode());
  }
}
