package io.upone.placement;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How many of one app's tasks sit on each value of one field (a hostname, a rack, an agent id),
 * kept up to date one placement at a time, with the smallest count over a domain of values (the
 * groups GROUP_BY balances) in O(1): a histogram of counts over the domain moves a floor up.
 */
final class ValueCounts {
  private static final class Entry {
    int count;
    boolean inDomain;
  }

  private final Map<String, Entry> entries = new HashMap<>();
  private final int minGroups;
  private int domainSize;
  private int[] histogram = new int[8]; // domain values per count
  private int min;

  /** @param minGroups groups expected at least: with fewer values in the domain, the missing ones count as empty */
  ValueCounts(int minGroups) {
    this.minGroups = minGroups;
  }

  /** Adds a group to balance over; call before any {@link #increment}. */
  void addToDomain(String value) {
    Entry e = entries.computeIfAbsent(value, k -> new Entry());
    if (e.inDomain) return;
    e.inDomain = true;
    domainSize++;
    bump(e.count, 1);
    min = Math.min(min, e.count);
  }

  int count(String value) {
    Entry e = entries.get(value);
    return e == null ? 0 : e.count;
  }

  /** The smallest count over the domain; 0 while groups are missing (or the domain is empty). */
  int min() {
    return domainSize < Math.max(1, minGroups) ? 0 : min;
  }

  /** @return whether {@link #min} moved up */
  boolean increment(String value) {
    Entry e = entries.computeIfAbsent(value, k -> new Entry());
    e.count++;
    if (!e.inDomain) return false;
    bump(e.count - 1, -1);
    bump(e.count, 1);
    int before = min();
    while (histogram[min] == 0) min++;
    return min() != before;
  }

  private void bump(int count, int delta) {
    if (count >= histogram.length) histogram = Arrays.copyOf(histogram, Math.max(histogram.length * 2, count + 1));
    histogram[count] += delta;
  }
}
