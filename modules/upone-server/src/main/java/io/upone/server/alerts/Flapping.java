package io.upone.server.alerts;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts each app's failed tasks (FAILED, ERROR) by their event time: the {@code count}-th within
 * {@code windowMs} makes the app flapping, once; the count then starts again. Pure: time is the
 * events' own, so the same log gives the same alerts on any member.
 */
final class Flapping {
  private final int count;
  private final long windowMs;
  private final Map<String, Deque<Long>> ends = new HashMap<>();

  Flapping(int count, long windowMs) {
    this.count = count;
    this.windowMs = windowMs;
  }

  /** Records one abnormal end; true when it makes the app flapping. */
  boolean ended(String appId, long atMs) {
    Deque<Long> d = ends.computeIfAbsent(appId, k -> new ArrayDeque<>());
    d.addLast(atMs);
    while (!d.isEmpty() && d.peekFirst() <= atMs - windowMs) d.removeFirst();
    if (d.size() < count) return false;
    ends.remove(appId);
    return true;
  }

  void forget(String appId) {
    ends.remove(appId);
  }
}
