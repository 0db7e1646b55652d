package io.upone.server.alerts;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Holds back a message like one sent to the same channel within the window: same kind, host,
 * apps and messages (task ids and times do not count). The next one let through after the window
 * says how many were held back since when.
 */
final class Dedupe {
  /** What to do with a message: send it (noting {@code held} repeats since {@code sinceMs}), or not. */
  record Verdict(boolean send, int held, long sinceMs) {}

  private static final class Seen {
    long lastSentMs;
    int held;
    long firstHeldMs;
  }

  private final long windowMs;
  private final Map<String, Seen> seen = new HashMap<>();

  Dedupe(long windowMs) {
    this.windowMs = windowMs;
  }

  static String keyOf(Group g) {
    return g.kind + "\u0000" + g.route.webhook() + "\u0000" + g.route.channel() + "\u0000" + g.host + "\u0000"
        + g.apps.keySet() + "\u0000" + g.messages + "\u0000" + (g.count == 1 ? "" : "many");
  }

  Verdict check(String key, long nowMs) {
    Seen s = seen.get(key);
    if (s != null && nowMs - s.lastSentMs < windowMs) {
      if (s.held++ == 0) s.firstHeldMs = nowMs;
      return new Verdict(false, s.held, s.firstHeldMs);
    }
    Verdict v = s == null ? new Verdict(true, 0, 0) : new Verdict(true, s.held, s.firstHeldMs);
    if (s == null) {
      s = new Seen();
      seen.put(key, s);
    }
    s.lastSentMs = nowMs;
    s.held = 0;
    if (seen.size() > 10_000) prune(nowMs);
    return v;
  }

  private void prune(long nowMs) {
    for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (nowMs - s.lastSentMs >= windowMs && s.held == 0) it.remove();
    }
  }

  void clear() {
    seen.clear();
  }
}
