package io.upone.server.bus;

/**
 * Every event bus address upone uses, in one place. Monitoring tools may receive
 * {@code upone.events.*} (JSON); the rest are local to a node and carry typed objects.
 */
public final class Addresses {
  private Addresses() {}

  // outbound, JSON: what monitoring sees
  public static final String EVENTS_PREFIX = "upone.events.";
  public static final String EVENTS_APP = "upone.events.app";
  public static final String EVENTS_TASK = "upone.events.task";
  public static final String EVENTS_JOB = "upone.events.job";
  public static final String EVENTS_FRAMEWORK = "upone.events.framework";
  public static final String EVENTS_DEPLOYMENT = "upone.events.deployment";
  public static final String EVENTS_ALERT = "upone.events.alert";
  public static final String EVENTS_ZONE = "upone.events.zone";
  public static final String LEADERSHIP = "upone.cluster.leadership";

  // local: the committed-event feed
  /** {@link Committed}: each committed proposal's events, in log order. */
  public static final String LOG_COMMITTED = "upone.log.committed";
  /** {@link io.upone.eventlog.EventLog.Leadership}: this member gained or lost leadership. */
  public static final String LOG_LEADERSHIP = "upone.log.leadership";

  // local: the cluster driver (driver/)
  /** Driver → offers: offers and rescinded offers, while this member leads. */
  public static final String DRIVER_OFFERS = "upone.driver.offers";
  /** Driver → lifecycle: task status reports and lost agents, while this member leads. */
  public static final String DRIVER_REPORTS = "upone.driver.reports";
  /** Scheduler → driver: launch, decline, kill, reconcile, acknowledge, revive, suppress. */
  public static final String DRIVER_COMMANDS = "upone.driver.commands";
  /** Request/reply: the agents the driver knows and their free capacity. */
  public static final String DRIVER_QUERIES = "upone.driver.queries";

  // local: offers and the task lifecycle
  /** Lifecycle → offers: what is wanted now (app instances and job runs to place). */
  public static final String OFFERS_WANTED = "upone.offers.wanted";
  /** Request/reply: why an app is pending, what-if placements. */
  public static final String OFFERS_QUERIES = "upone.offers.queries";
  /** Request/reply: kill one task (API). */
  public static final String LIFECYCLE_KILL = "upone.lifecycle.kill";

  // local: what integrations add to launches (offers/LaunchInputs), e.g. from Consul (consul/)
  /** Published, whole snapshot: env per app to merge into launches. */
  public static final String LAUNCH_ENV = "upone.launch.env";
  /** Published, whole snapshot: attributes per agent host, over the ones agents registered with. */
  public static final String AGENT_ATTRIBUTES = "upone.agents.attributes";
  /** Request/reply: the Consul integration's status (JSON). */
  public static final String CONSUL_STATUS = "upone.consul.status";

  // local: load-balancer sync (lb/)
  /** Request/reply, task id → true: the LBs stopped sending to the task (a planned kill waits for it). */
  public static final String LB_DRAIN = "upone.lb.drain";
  /** Request/reply: the sync's status per zone and instance (JSON). */
  public static final String LB_QUERIES = "upone.lb.queries";
  /** Published, JSON: an LB confirmed an upstream ({zone, upstream, instance, servers, waitedMs}). */
  public static final String LB_SYNCED = "upone.lb.synced";

  // local: alerts (alerts/)
  /** Request/reply: the alerting's status (JSON: leading, queued, sent, dropped, watermark). */
  public static final String ALERTS_STATUS = "upone.alerts.status";
}
