package io.upone.agent.master;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The window after a leader starts in which agents re-register with it. The log names the agents
 * its tasks run on; until each of them has heartbeated (or the agent timeout has passed) the
 * driver makes no offers, and a kill for an agent not back yet waits for it instead of being
 * written LOST at once with the process still running. Driver context only.
 */
final class ReRegistration {
  private final Set<String> expected = new HashSet<>();
  private final Set<String> seen = new HashSet<>();
  /** agent id → (task id → grace seconds) of kills waiting for the agent. */
  private final Map<String, Map<String, Integer>> deferred = new HashMap<>();
  private long startedAtMs;
  private boolean open;

  void begin(long nowMs) {
    expected.clear();
    seen.clear();
    deferred.clear();
    startedAtMs = nowMs;
    open = true;
  }

  void end() {
    open = false;
    expected.clear();
    seen.clear();
    deferred.clear();
  }

  /** Agents the log has tasks on: they are waited for. */
  void expect(Collection<String> agentIds) {
    if (!open) return;
    for (String a : agentIds) if (!a.isEmpty()) expected.add(a);
  }

  /** An agent heartbeated; its waiting kills, to send now. */
  Map<String, Integer> registered(String agentId) {
    seen.add(agentId);
    Map<String, Integer> kills = deferred.remove(agentId);
    return kills == null ? Map.of() : kills;
  }

  /** Holds a kill for an agent not back yet; false once re-registration is over. */
  boolean deferKill(String agentId, String taskId, int graceSeconds) {
    if (!open) return false;
    deferred.computeIfAbsent(agentId, k -> new HashMap<>()).put(taskId, graceSeconds);
    return true;
  }

  boolean settled() {
    return !open;
  }

  /** Ends the window when every expected agent is back, or the timeout has passed; true if over. */
  boolean settle(Set<String> registered, long nowMs, long timeoutMs) {
    if (!open) return true;
    if (registered.containsAll(expected) || nowMs - startedAtMs >= timeoutMs) open = false;
    return !open;
  }

  /** Kills whose agents never came back: task id → agent id. */
  Map<String, String> drainUnclaimed() {
    Map<String, String> out = new HashMap<>();
    deferred.forEach((agent, kills) -> kills.keySet().forEach(task -> out.put(task, agent)));
    deferred.clear();
    return out;
  }
}
