package io.upone.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * For task-attribute rules: per rule (label key, value pattern), how many tasks with a matching
 * label each agent runs. A rule is indexed the first time an app asks for it (one pass over the
 * tasks), then kept current as tasks are placed in this cycle.
 */
final class TaskLabelIndex {
  private record Located(String agentId, Map<String, String> labels) {}

  private static final class Rule {
    final String key;
    final Pattern pattern;
    final Map<String, Integer> perAgent = new HashMap<>();

    Rule(String key, Pattern pattern) {
      this.key = key;
      this.pattern = pattern;
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return v != null && pattern.matcher(v).matches();
    }
  }

  private final List<Located> tasks = new ArrayList<>();
  private final Map<String, Rule> rules = new HashMap<>();

  TaskLabelIndex(List<Placed> existing) {
    for (Placed p : existing) tasks.add(new Located(p.agentId(), p.labels()));
  }

  /** Tasks on {@code agentId} whose label {@code key} fully matches {@code pattern}. */
  int count(String key, Pattern pattern, String agentId) {
    return rule(key, pattern).perAgent.getOrDefault(agentId, 0);
  }

  void placed(String agentId, Map<String, String> labels) {
    tasks.add(new Located(agentId, labels));
    for (Rule r : rules.values()) if (r.matches(labels)) r.perAgent.merge(agentId, 1, Integer::sum);
  }

  private Rule rule(String key, Pattern pattern) {
    String id = key + '\u0000' + pattern.pattern();
    Rule r = rules.get(id);
    if (r == null) {
      r = new Rule(key, pattern);
      for (Located t : tasks) if (r.matches(t.labels())) r.perAgent.merge(t.agentId(), 1, Integer::sum);
      rules.put(id, r);
    }
    return r;
  }
}
