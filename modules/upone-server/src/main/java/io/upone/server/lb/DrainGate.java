package io.upone.server.lb;

import io.upone.server.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * What a planned kill waits for: the load balancers to stop sending to the task, so its
 * in-flight requests finish before it gets SIGTERM. Completes (never fails) when the LB sync
 * says the task is out of every upstream, when the sync does not answer within its drain
 * timeout (an LB that is down must not stop a kill), or at once when no sync runs on this node.
 */
public final class DrainGate {
  private DrainGate() {}

  /** Longer than any drain timeout the sync applies itself: only a stuck sync hits it. */
  private static final long SAFETY_MS = 60_000;

  public static Future<Void> before(Vertx vertx, String taskId) {
    return vertx.eventBus().request(Addresses.LB_DRAIN, taskId, new DeliveryOptions().setLocalOnly(true)
            .setSendTimeout(SAFETY_MS))
        .<Void>mapEmpty()
        .recover(t -> Future.succeededFuture());
  }
}
