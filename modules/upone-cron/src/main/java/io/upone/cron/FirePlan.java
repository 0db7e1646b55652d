package io.upone.cron;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Next fire time of every job in one ordered structure, so the scheduler needs a single timer
 * (for {@link #nextWake()}) however many jobs there are, and nothing runs while nothing is due.
 * Not thread-safe: owned by the planner's thread.
 */
public final class FirePlan {
  private final NavigableMap<Instant, TreeSet<String>> byTime = new TreeMap<>();
  private final Map<String, Instant> byJob = new HashMap<>();

  /** Sets (or replaces) a job's next fire time; empty removes it. */
  public void put(String jobId, Optional<Instant> next) {
    remove(jobId);
    next.ifPresent(t -> {
      byTime.computeIfAbsent(t, k -> new TreeSet<>()).add(jobId);
      byJob.put(jobId, t);
    });
  }

  public void remove(String jobId) {
    Instant old = byJob.remove(jobId);
    if (old == null) return;
    TreeSet<String> ids = byTime.get(old);
    ids.remove(jobId);
    if (ids.isEmpty()) byTime.remove(old);
  }

  /** When the single timer must wake next, if any job is planned. */
  public Optional<Instant> nextWake() {
    return byTime.isEmpty() ? Optional.empty() : Optional.of(byTime.firstKey());
  }

  public Optional<Instant> nextOf(String jobId) {
    return Optional.ofNullable(byJob.get(jobId));
  }

  /** Takes every (job, instant) due at {@code now}, oldest first; they leave the plan. */
  public List<Due> takeDue(Instant now) {
    List<Due> out = new ArrayList<>();
    while (!byTime.isEmpty() && !byTime.firstKey().isAfter(now)) {
      Map.Entry<Instant, TreeSet<String>> e = byTime.pollFirstEntry();
      for (String id : e.getValue()) {
        byJob.remove(id);
        out.add(new Due(id, e.getKey()));
      }
    }
    return out;
  }

  public int size() {
    return byJob.size();
  }

  public record Due(String jobId, Instant scheduled) {}
}
