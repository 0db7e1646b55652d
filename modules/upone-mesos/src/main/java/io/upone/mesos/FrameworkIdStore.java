package io.upone.mesos;

/**
 * Where the framework id lives between subscriptions. upone keeps it in the event log
 * (FrameworkRegistered), so a restarted or newly elected scheduler resubscribes as the same
 * framework and Mesos hands its running tasks back instead of orphaning them.
 */
public interface FrameworkIdStore {
  /** The recorded framework id, or "" before the first subscription. */
  String frameworkId();

  /** Mesos accepted the subscription under {@code frameworkId}; record it if it is new. */
  void subscribed(String frameworkId, String master);

  /** Mesos removed the framework (teardown, or failover timeout expired): subscribe anew next time. */
  void forget(String why);

  /** A store in memory only (tests, the simulator's demos): a restart registers a new framework. */
  static FrameworkIdStore inMemory() {
    return new FrameworkIdStore() {
      private volatile String id = "";

      @Override
      public String frameworkId() {
        return id;
      }

      @Override
      public void subscribed(String frameworkId, String master) {
        id = frameworkId;
      }

      @Override
      public void forget(String why) {
        id = "";
      }
    };
  }
}
