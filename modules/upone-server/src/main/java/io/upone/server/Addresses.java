package io.upone.server;

/** Every event bus address upone uses, in one place. Monitoring tools may receive {@code upone.events.*}. */
public final class Addresses {
  private Addresses() {}

  public static final String EVENTS_PREFIX = "upone.events.";
  public static final String EVENTS_APP = "upone.events.app";
  public static final String EVENTS_TASK = "upone.events.task";
  public static final String EVENTS_JOB = "upone.events.job";
  public static final String EVENTS_FRAMEWORK = "upone.events.framework";
  public static final String LEADERSHIP = "upone.cluster.leadership";
}
