package io.upone.server.bridge;

import io.vertx.core.json.JsonObject;

/** Why the bridge refused a frame or cut a client off: a code to match on and a sentence to read. */
public record Refusal(String code, String message) {
  /** The client's unsent output is over the bound: it is cut off. */
  static Refusal slowConsumer(int maxQueueBytes) {
    return new Refusal("slow_consumer", "cut off: more than " + maxQueueBytes + " bytes were waiting to be sent to this"
        + " client; reconnect and replay from the last index received");
  }

  /** Another client holds this replay address. */
  static Refusal replayInUse(String address) {
    return new Refusal("replay_in_use", "replay address '" + address + "' is in use by another client; pick a random id");
  }

  /** The {@code err} frame's fields both transports send: {@code code}, {@code message}. */
  public JsonObject fields() {
    return new JsonObject().put("code", code).put("message", message);
  }
}
