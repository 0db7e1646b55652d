package io.upone.server.lifecycle;

import io.upone.core.proto.TaskState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the lifecycle has set in motion that the log does not show yet, and what it remembers
 * between decisions. Owned by the lifecycle verticle's thread; the {@link Reconciler} only reads
 * it, and the verticle changes it as it carries the decisions out. Forgotten on losing leadership:
 * a new leader starts from the log alone.
 */
public final class InFlight {
  /** Tasks being killed, and when the kill was last sent. */
  final Map<String, Long> killing = new HashMap<>();
  /** Apps whose tasks failed: their launches wait. */
  final Map<String, Backoff> backoff = new HashMap<>();
  /** Status changes being written, per task: a resent report of the same change is not written twice. */
  final Map<String, TaskState> reporting = new HashMap<>();
  /** Since when each app has had unmet demand: after a while its spread is relaxed. */
  Map<String, Long> pendingSince = new HashMap<>();
  /** Job runs whose JobRunFinished is being written. */
  final Set<String> finishing = new HashSet<>();
  /** Deployments whose next step (phase, end, rollback) is being written. */
  final Set<String> deploymentWrites = new HashSet<>();
  /** When tasks of each app were killed for failing health checks (the last minute's count). */
  final Map<String, java.util.ArrayDeque<Long>> healthKills = new HashMap<>();
  /** When tasks of each app were written LOST because their agent was lost (the last minute's count). */
  final Map<String, java.util.ArrayDeque<Long>> lostAt = new HashMap<>();
  /** Tasks of lost agents held back by the budget (task → its agent): LOST later, or kept if the agent returns. */
  final Map<String, String> heldLost = new HashMap<>();
  /** When an alert was last raised for each app. */
  final Map<String, Long> alerted = new HashMap<>();
  /** Apps short of instances at the last pass: a pass over changed apps decides their demand again. */
  Set<String> lastShort = Set.of();
  /** Apps with an UNREACHABLE task: recomputed by every full pass, added to as reports arrive. */
  Set<String> appsWithUnreachable = new HashSet<>();

  public boolean killing(String taskId) {
    return !killing.isEmpty() && killing.containsKey(taskId);
  }

  public Backoff backoff(String appId) {
    return backoff.get(appId);
  }

  public Backoff backoffOf(String appId) {
    return backoff.computeIfAbsent(appId, k -> new Backoff());
  }

  int healthKillsInLastMinute(String appId, long nowMs) {
    return inLastMinute(healthKills, appId, nowMs);
  }

  void healthKilled(String appId, int count, long nowMs) {
    record(healthKills, appId, count, nowMs);
  }

  int lostInLastMinute(String appId, long nowMs) {
    return inLastMinute(lostAt, appId, nowMs);
  }

  void wroteLost(String appId, int count, long nowMs) {
    record(lostAt, appId, count, nowMs);
  }

  private static int inLastMinute(Map<String, java.util.ArrayDeque<Long>> times, String appId, long nowMs) {
    java.util.ArrayDeque<Long> q = times.get(appId);
    if (q == null) return 0;
    int n = 0;
    for (long at : q) if (nowMs - at < 60_000) n++;
    return n;
  }

  private static void record(Map<String, java.util.ArrayDeque<Long>> times, String appId, int count, long nowMs) {
    java.util.ArrayDeque<Long> q = times.computeIfAbsent(appId, k -> new java.util.ArrayDeque<>());
    while (!q.isEmpty() && nowMs - q.peekFirst() >= 60_000) q.pollFirst();
    for (int i = 0; i < count; i++) q.addLast(nowMs);
  }

  boolean alertedRecently(String appId, long nowMs) {
    Long at = alerted.get(appId);
    return at != null && nowMs - at < 60_000;
  }

  public void killSent(String taskId, long nowMs) {
    killing.put(taskId, nowMs);
  }
}
