package io.upone.lb;

/**
 * How the sync paces itself.
 *
 * @param probeMs        how often each LB's identity is read (a new identity: restarted, push everything)
 * @param resyncMs       how often everything is compared with each LB and repaired
 * @param backoffMs      first retry delay after a failed push; doubles per failure
 * @param backoffCapMs   longest retry delay
 * @param drainTimeoutMs longest a planned kill waits for the LBs to stop sending to the task
 * @param settleMs       after a confirmed removal from Slardar, how long its workers take to copy it
 *                       from shared memory ({@code shd_config_timer_interval} is 1 s; under load the
 *                       gap between two runs of a worker's timer was measured up to 1.23 s)
 */
public record SyncTimings(long probeMs, long resyncMs, long backoffMs, long backoffCapMs, long drainTimeoutMs,
                          long settleMs) {
  public static SyncTimings defaults() {
    return new SyncTimings(1000, 30_000, 100, 5000, 10_000, 2500);
  }

  /** Defaults, each overridable by a system property {@code upone.lb.<name>} (milliseconds). */
  public static SyncTimings fromSystemProperties() {
    SyncTimings d = defaults();
    return new SyncTimings(prop("probe-ms", d.probeMs), prop("resync-ms", d.resyncMs), prop("backoff-ms", d.backoffMs),
        prop("backoff-cap-ms", d.backoffCapMs), prop("drain-timeout-ms", d.drainTimeoutMs), prop("settle-ms", d.settleMs));
  }

  private static long prop(String name, long dflt) {
    return Long.getLong("upone.lb." + name, dflt);
  }

  /** Delay before the {@code attempt}-th retry (1-based), capped. */
  public long backoff(int attempt) {
    long d = backoffMs << Math.min(attempt - 1, 20);
    return Math.min(d, backoffCapMs);
  }
}
