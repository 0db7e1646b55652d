package io.upone.server.alerts;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per channel: {@code perMinute} messages a minute, in bursts of up to as many.
 * Time is passed in, so tests pick the instant.
 */
final class RateLimit {
  private final int perMinute;
  private final Map<String, double[]> buckets = new HashMap<>(); // {tokens, at}

  RateLimit(int perMinute) {
    this.perMinute = perMinute;
  }

  /** 0 and a token taken when {@code key} may send now; otherwise how long until it may. */
  long take(String key, long nowMs) {
    double[] b = buckets.computeIfAbsent(key, k -> new double[] {perMinute, nowMs});
    b[0] = Math.min(perMinute, b[0] + (nowMs - b[1]) * perMinute / 60_000.0);
    b[1] = nowMs;
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - b[0]) * 60_000.0 / perMinute);
  }

  void clear() {
    buckets.clear();
  }
}
