package io.upone.lb;

import io.upone.core.proto.LbKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One load-balancer instance of a zone, through its runtime admin interface; never a reload.
 * Every change is read back before its future completes, so a success is the LB's own
 * confirmation. Failures are {@link LbRefused} when the LB answered with an error, anything
 * else when it could not be reached.
 */
public interface LbInstance extends AutoCloseable {
  String address();

  /** Changes when the LB process is restarted (HAProxy: pid and start time; Slardar: start time). */
  Future<String> identity();

  /** The upstreams upone manages on this LB, with their servers as the LB holds them. */
  Future<Map<String, List<Server>>> managed();

  /**
   * Makes the upstream hold exactly {@code servers} (none: the upstream is removed or emptied)
   * and returns the servers the LB then reports.
   */
  Future<List<Server>> push(String upstream, List<Server> servers);

  /**
   * Completes once the LB's proxying processes (not just its store) use {@code servers} for the
   * upstream, or after {@code timeoutMs} at the latest; never fails. Immediate where the runtime
   * API changes the proxy itself (HAProxy).
   */
  default Future<Void> applied(String upstream, List<Server> servers, long timeoutMs) {
    return Future.succeededFuture();
  }

  /** Fails with {@link LbRefused} when this LB cannot serve the upstream at all (HAProxy: no such backend). */
  Future<Void> check(String upstream);

  /** The LB's own view of one upstream: servers with their state and health. */
  Future<JsonObject> upstream(String upstream);

  /** Live figures for {@code upone zone top}: connections, requests, errors. */
  Future<JsonObject> top();

  @Override
  void close();

  static LbInstance of(Vertx vertx, LbKind kind, String address) {
    return switch (kind) {
      case SLARDAR -> new SlardarClient(vertx, address);
      case HAPROXY -> new HaproxyClient(vertx, address);
      default -> throw new IllegalArgumentException("no load balancer of kind " + kind);
    };
  }
}
