package io.upone.cron;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What to do with the instants that came due while nobody could fire them (a leader failover,
 * a suspended job resumed, a long pause). Every instant in (lastFired, now] ends up either fired
 * or recorded as missed, never both, never twice.
 */
public final class MissedRuns {
  public enum Policy {
    /** Fire only what is still inside its starting deadline; record the rest missed. */
    SKIP,
    /** Fire the latest due instant once (if inside its deadline); record the others missed. */
    RUN_LATEST,
    /** Fire every due instant that is still inside its starting deadline, oldest first. */
    RUN_ALL
  }

  /** The decision: instants to fire now and instants to record as missed, both in order. */
  public record Decision(List<Instant> fire, List<Instant> missed) {}

  private MissedRuns() {}

  /**
   * @param lastFired the last instant already fired or recorded (exclusive lower bound)
   * @param deadline  how late an instant may still start; SKIP fires only instants this fresh
   * @param max       cap on instants considered (a long outage of a per-second job)
   */
  public static Decision decide(Schedule schedule, Instant lastFired, Instant now, Duration deadline, Policy policy,
                                int max) {
    List<Instant> due = schedule.between(lastFired, now, max);
    List<Instant> fire = new ArrayList<>();
    List<Instant> missed = new ArrayList<>();
    Instant oldestAllowed = now.minus(deadline);
    for (int i = 0; i < due.size(); i++) {
      Instant t = due.get(i);
      boolean inDeadline = !t.isBefore(oldestAllowed);
      boolean fireIt = switch (policy) {
        case SKIP, RUN_ALL -> inDeadline;
        case RUN_LATEST -> inDeadline && i == due.size() - 1;
      };
      (fireIt ? fire : missed).add(t);
    }
    return new Decision(fire, missed);
  }
}
