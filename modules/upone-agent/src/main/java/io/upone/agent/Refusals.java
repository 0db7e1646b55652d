package io.upone.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The agent's 4xx answers, in the server's problem shape: {@code {code, message, errors: [{field, reason}]}}. */
final class Refusals {
  private Refusals() {}

  static void send(RoutingContext ctx, int status, String code, String message, String field, String reason) {
    JsonArray errors = new JsonArray();
    if (field != null && !field.isEmpty()) errors.add(new JsonObject().put("field", field).put("reason", reason));
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", code).put("message", message).put("errors", errors).encode());
  }
}
