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

  /**
   * Whether this scheduler instance still leads, asked when Mesos says another instance has
   * subscribed as this framework ("Framework failed over"): one that no longer leads must not
   * subscribe again, or it would take the framework back from its successor. Upone answers
   * through a raft read-index; the default (one scheduler, no election) answers yes.
   */
  default java.util.concurrent.CompletionStage<Boolean> stillLeads() {
    return java.util.concurrent.CompletableFuture.completedFuture(true);
  }

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
