package io.upone.server.bridge;

import io.vertx.core.json.JsonObject;

/** Why the bridge refused a frame or cut a client off: a code to match on and a sentence to read. */
public record Refusal(String code, String message) {
  /** The {@code err} frame's fields both transports send: {@code code}, {@code message}. */
  public JsonObject fields() {
    return new JsonObject().put("code", code).put("message", message);
  }
}
