package io.upone.consul.sim;

import io.vertx.core.json.Json;

/**
 * One HTTP answer of the fake. Consul answers reads with JSON and an {@code X-Consul-Index},
 * writes with {@code true}/{@code false} or nothing, and errors as plain text.
 *
 * @param index the {@code X-Consul-Index} header, 0 for none
 */
record Answer(int status, String contentType, String body, long index) {
  static Answer json(Object value, long index) {
    return new Answer(200, "application/json", Json.encode(value), index);
  }

  /** {@code null} as Consul writes it for a missing node. */
  static Answer jsonNull(long index) {
    return new Answer(200, "application/json", "null", index);
  }

  static Answer empty() {
    return new Answer(200, "text/plain; charset=utf-8", "", 0);
  }

  static Answer bool(boolean b) {
    return new Answer(200, "application/json", String.valueOf(b), 0);
  }

  static Answer error(int status, String message) {
    return new Answer(status, "text/plain; charset=utf-8", message, 0);
  }

  /** A read that found nothing: 404 with an empty body, and still the index. */
  static Answer notFound(long index) {
    return new Answer(404, "text/plain; charset=utf-8", "", index);
  }
}
