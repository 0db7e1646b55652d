package io.upone.server.alerts;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far alerting is done: every event up to {@link #through()} has been looked at and each of
 * its alerts delivered, held back or given up. Events past the lowest index with an alert still
 * pending are not done, so a new leader derives their alerts again.
 */
final class Watermark {
  private long derived;
  private final TreeMap<Long, Integer> pending = new TreeMap<>();

  void start(long from) {
    derived = from;
    pending.clear();
  }

  /** The rules have looked at the event at {@code index}. */
  void derived(long index) {
    derived = Math.max(derived, index);
  }

  void pending(long index) {
    pending.merge(index, 1, Integer::sum);
  }

  /** The alerts of a message (or group) are done. */
  void done(Map<Long, Integer> indexes) {
    indexes.forEach((i, n) -> pending.computeIfPresent(i, (k, have) -> have - n <= 0 ? null : have - n));
  }

  long derivedThrough() {
    return derived;
  }

  long through() {
    return pending.isEmpty() ? derived : Math.min(derived, pending.firstKey() - 1);
  }

  int pendingAlerts() {
    return pending.values().stream().mapToInt(Integer::intValue).sum();
  }
}
