package io.upone.server.offers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Launches this verticle made that the lifecycle's latest {@link Wanted} may not reflect yet: from
 * placement until a {@code Wanted} decided at or after the log index where their
 * {@code TaskLaunched} committed. What is wanted, less these, is what to place now.
 */
final class Launching {
  private static final long UNCOMMITTED = Long.MAX_VALUE;

  private record Entry(String appId, String runId, long committedAt) {}

  private final Map<String, Entry> byTask = new LinkedHashMap<>();
  private final Map<String, Integer> perApp = new HashMap<>();
  private final Set<String> runs = new HashSet<>();

  void add(String taskId, String appId, String runId) {
    byTask.put(taskId, new Entry(appId, runId, UNCOMMITTED));
    if (runId.isEmpty()) perApp.merge(appId, 1, Integer::sum);
    else runs.add(runId);
  }

  void committed(Iterable<String> taskIds, long index) {
    for (String id : taskIds) byTask.computeIfPresent(id, (k, e) -> new Entry(e.appId(), e.runId(), index));
  }

  void remove(String taskId) {
    Entry e = byTask.remove(taskId);
    if (e == null) return;
    if (e.runId().isEmpty()) perApp.computeIfPresent(e.appId(), (k, n) -> n <= 1 ? null : n - 1);
    else runs.remove(e.runId());
  }

  /** A {@link Wanted} decided at {@code index} counts every launch committed at or before it. */
  void seen(long index) {
    for (Iterator<Map.Entry<String, Entry>> it = byTask.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.committedAt() > index) continue;
      it.remove();
      if (e.runId().isEmpty()) perApp.computeIfPresent(e.appId(), (k, n) -> n <= 1 ? null : n - 1);
      else runs.remove(e.runId());
    }
  }

  int ofApp(String appId) {
    return perApp.getOrDefault(appId, 0);
  }

  boolean hasRun(String runId) {
    return runs.contains(runId);
  }

  void clear() {
    byTask.clear();
    perApp.clear();
    runs.clear();
  }
}
