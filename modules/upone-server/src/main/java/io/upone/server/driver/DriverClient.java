package io.upone.server.driver;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The cluster driver as the other verticles see it: each call is a message to the
 * {@link DriverVerticle}, which owns the driver. Fire-and-forget like the port itself; the two
 * questions answer with a future.
 */
public final class DriverClient {
  static final String CODEC = "upone.driver";
  private final Vertx vertx;
  private final DeliveryOptions opts;

  public DriverClient(Vertx vertx) {
    this.vertx = vertx;
    this.opts = LocalCodec.options(vertx, CODEC);
  }

  public void launch(String offerId, List<TaskLaunch> tasks) {
    send(new DriverCommand.Launch(offerId, tasks));
  }

  public void decline(String offerId, double refuseSeconds) {
    send(new DriverCommand.Decline(offerId, refuseSeconds));
  }

  public void kill(String agentId, String taskId, int gracePeriodSeconds) {
    send(new DriverCommand.Kill(agentId, taskId, gracePeriodSeconds));
  }

  public void reconcile(Collection<ClusterDriver.TaskRef> tasks) {
    send(new DriverCommand.Reconcile(List.copyOf(tasks)));
  }

  public void acknowledge(TaskReport report) {
    send(new DriverCommand.Acknowledge(report));
  }

  public void revive() {
    send(new DriverCommand.Revive());
  }

  public void suppress() {
    send(new DriverCommand.Suppress());
  }

  public Future<Map<String, ClusterDriver.Agent>> agents() {
    return vertx.eventBus().<Map<String, ClusterDriver.Agent>>request(Addresses.DRIVER_COMMANDS, new DriverCommand.Agents(), opts)
        .map(Message::body);
  }

  public Future<Map<String, Offer>> capacity() {
    return vertx.eventBus().<Map<String, Offer>>request(Addresses.DRIVER_COMMANDS, new DriverCommand.Capacity(), opts)
        .map(Message::body);
  }

  private void send(DriverCommand c) {
    vertx.eventBus().send(Addresses.DRIVER_COMMANDS, c, opts);
  }
}
