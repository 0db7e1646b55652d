package io.upone.server.driver;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskReport;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LeaderOnly;
import io.upone.server.bus.LocalCodec;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the cluster driver (native agents or a Mesos master, built by the {@link DriverMode}) on
 * its own context. While this member leads, the driver runs: its offers and reports go out on the
 * local bus, and the scheduler's {@link DriverCommand}s come in. When leadership begins, every
 * task the log knows is reconciled with the cluster.
 */
public final class DriverVerticle extends AbstractVerticle implements ClusterDriver.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(DriverVerticle.class);
  private final EventLog log;
  private final DriverMode mode;
  private ClusterDriver driver;
  private DeliveryOptions opts;
  private MessageConsumer<DriverCommand> commands;
  private LeaderOnly leadership;

  public DriverVerticle(EventLog log, DriverMode mode) {
    this.log = log;
    this.mode = mode;
  }

  @Override
  public void start() {
    opts = LocalCodec.options(vertx, DriverClient.CODEC);
    driver = mode.create(vertx, context);
    commands = vertx.eventBus().localConsumer(Addresses.DRIVER_COMMANDS, this::command);
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    commands.unregister();
    leadership.stop();
  }

  private void lead() {
    driver.leaderTerm(log.cluster().term()); // on every command, so a deposed leader's are refused
    driver.start(this);
    // every task the log knows must be reported by the cluster, or it becomes LOST
    List<ClusterDriver.TaskRef> known = log.view().tasks().stream()
        .map(t -> new ClusterDriver.TaskRef(t.id(), t.agentId())).toList();
    driver.reconcile(known);
    vertx.eventBus().send(Addresses.DRIVER_OFFERS, new DriverEvent.Started(), opts);
    LOG.info("{} driver started: reconciling {} known tasks", mode.name(), known.size());
  }

  private void follow() {
    driver.stop();
  }

  private void command(Message<DriverCommand> m) {
    DriverCommand c = m.body();
    if (c instanceof DriverCommand.Agents) {
      m.reply(Map.copyOf(driver.agents()), opts);
      return;
    }
    if (c instanceof DriverCommand.Capacity) {
      m.reply(Map.copyOf(driver.capacity()), opts);
      return;
    }
    if (!leadership.leading()) return; // a deposed leader's scheduler drives nothing
    if (c instanceof DriverCommand.Launch l) driver.launch(l.offerId(), l.tasks());
    else if (c instanceof DriverCommand.Decline d) driver.decline(d.offerId(), d.refuseSeconds());
    else if (c instanceof DriverCommand.Kill k) driver.kill(k.agentId(), k.taskId(), k.gracePeriodSeconds());
    else if (c instanceof DriverCommand.Reconcile r) driver.reconcile(r.tasks());
    else if (c instanceof DriverCommand.Acknowledge a) driver.acknowledge(a.report());
    else if (c instanceof DriverCommand.Revive) driver.revive();
    else if (c instanceof DriverCommand.Suppress) driver.suppress();
  }

  // ---- ClusterDriver.Listener: on this verticle's context --------------------------------------

  @Override
  public void offers(Collection<Offer> offers) {
    if (!leadership.leading()) return;
    vertx.eventBus().send(Addresses.DRIVER_OFFERS, new DriverEvent.Offers(List.copyOf(offers), driver.agents()), opts);
  }

  @Override
  public void rescinded(String offerId) {
    vertx.eventBus().send(Addresses.DRIVER_OFFERS, new DriverEvent.Rescinded(offerId), opts);
  }

  @Override
  public void report(TaskReport report) {
    if (!leadership.leading()) return;
    vertx.eventBus().send(Addresses.DRIVER_REPORTS, new DriverEvent.Report(report), opts);
  }

  @Override
  public void agentLost(String agentId, String reason) {
    if (!leadership.leading()) return;
    vertx.eventBus().send(Addresses.DRIVER_REPORTS, new DriverEvent.AgentLost(agentId, reason), opts);
  }
}
