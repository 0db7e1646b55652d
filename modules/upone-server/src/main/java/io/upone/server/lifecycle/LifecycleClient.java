package io.upone.server.lifecycle;

import io.upone.core.Problem;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** What the API asks of the task lifecycle (on the leader). */
public final class LifecycleClient {
  private final Vertx vertx;
  private final DeliveryOptions opts;

  public LifecycleClient(Vertx vertx) {
    this.vertx = vertx;
    this.opts = LocalCodec.options(vertx, LifecycleVerticle.CODEC);
  }

  /** Kills one task; it is replaced unless its app was scaled down first. */
  public Future<Void> killTask(String taskId) {
    return vertx.eventBus().request(Addresses.LIFECYCLE_KILL, taskId, opts).compose(m ->
        m.body() instanceof Problem p ? Future.failedFuture(p.asFailure()) : Future.succeededFuture());
  }
}
