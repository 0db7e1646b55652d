package io.upone.server.http;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes problems as {@code {code, message, errors:[{field, reason}]}} with the matching status. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static int status(Problem.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case CONFLICT -> 409;
      case GONE -> 410;
      case TOO_LARGE -> 413;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }

  public static JsonObject body(Problem p) {
    JsonArray errors = new JsonArray();
    for (FieldError e : p.errors()) errors.add(new JsonObject().put("field", e.field()).put("reason", e.reason()));
    return new JsonObject().put("code", p.code()).put("message", p.message()).put("errors", errors);
  }

  public static void send(HttpServerResponse res, Problem p) {
    if (res.ended()) return;
    p = named(p);
    res.setStatusCode(status(p.kind())).putHeader("Content-Type", "application/json");
    if (p.kind() == Problem.Kind.UNAVAILABLE) res.putHeader("Retry-After", "1");
    res.end(body(p).encode());
  }

  /**
   * A "not found" or "method not allowed" names what was not found, so every 4xx names a field:
   * {@code app_not_found} → {@code id}, {@code task_not_found} → {@code taskId}, a route → {@code path}.
   */
  static Problem named(Problem p) {
    if (!p.errors().isEmpty()) return p;
    String field = switch (p.kind()) {
      case METHOD_NOT_ALLOWED -> "method";
      case NOT_FOUND -> switch (p.code()) {
        case "no_such_route" -> "path";
        case "task_not_found" -> "taskId";
        case "zone_not_found" -> "zone";
        case "upstream_not_found" -> "upstream";
        case "member_not_found" -> "raft";
        case "version_not_found" -> "version";
        case "run_not_active" -> "runId";
        default -> "id";
      };
      default -> null;
    };
    if (field == null) return p;
    String reason = field.equals("method") ? "is not allowed on this path"
        : field.equals("path") ? "matches no route"
        : p.code().endsWith("_not_found") ? "names no existing " + p.code().substring(0, p.code().length() - 10).replace('_', ' ')
        : p.message();
    return new Problem(p.kind(), p.code(), p.message(), List.of(new FieldError(field, reason)));
  }

  /** Any failure: problems as they are, anything else as a 500 that is also logged. */
  public static void send(HttpServerResponse res, Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
    if (c instanceof Problem.Failure f) {
      send(res, f.problem());
    } else {
      LOG.error("request failed", c);
      send(res, new Problem(Problem.Kind.INTERNAL, "internal_error", "internal error: " + c, java.util.List.of()));
    }
  }
}
