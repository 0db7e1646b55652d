package io.upone.server.lifecycle;

import io.upone.core.proto.AppSpec;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many tasks of lost agents are written LOST (and so replaced) now: at most
 * {@code lost-budget} × instances per app per minute (at least one). When a network blip hides
 * agents that run much of an app, the rest are held as they are (not replaced, not killed when
 * their agent comes back) and an alert is raised, instead of replacing the whole fleet and then
 * killing the healthy originals. A held task is written LOST as the budget comes back, unless
 * its agent returned meanwhile. Job runs' tasks are not held: a run is one task. Pure.
 */
final class LostBudget {
  private LostBudget() {}

  record Split(List<Task> lostNow, List<Task> held, List<Decisions.Alert> alerts) {}

  static Split split(State s, List<Task> tasks, InFlight f, double share, long now) {
    Map<String, List<Task>> byApp = new LinkedHashMap<>();
    List<Task> lostNow = new ArrayList<>();
    for (Task t : tasks) {
      if (!t.runId().isEmpty()) lostNow.add(t);
      else byApp.computeIfAbsent(t.appId(), k -> new ArrayList<>()).add(t);
    }
    List<Task> held = new ArrayList<>();
    List<Decisions.Alert> alerts = new ArrayList<>();
    for (Map.Entry<String, List<Task>> e : byApp.entrySet()) {
      String app = e.getKey();
      int instances = s.app(app).map(AppSpec::getInstances).orElse(0);
      int budget = (int) Math.max(1, Math.ceil(share * instances));
      int left = Math.max(0, budget - f.lostInLastMinute(app, now));
      List<Task> mine = e.getValue();
      // the oldest first: the order is stable across passes, so the same tasks go first
      mine.sort(Comparator.comparingLong(Task::launchedAtMs).thenComparing(Task::id));
      int n = s.app(app).isEmpty() ? mine.size() : Math.min(left, mine.size()); // a deleted app's tasks: nothing to keep
      lostNow.addAll(mine.subList(0, n));
      held.addAll(mine.subList(n, mine.size()));
      if (n < mine.size() && !f.alertedRecently(alertKey(app), now)) {
        alerts.add(new Decisions.Alert("lost_budget_exhausted", app, mine.size() + " tasks of " + app
            + " are on lost agents; " + n + " written LOST and replaced now, " + (mine.size() - n)
            + " held in case their agents come back: at most " + budget + " are replaced per minute (lost-budget)"));
      }
    }
    return new Split(lostNow, held, alerts);
  }

  /** Alerts of this kind are rate-limited apart from the health-kill ones. */
  static String alertKey(String appId) {
    return "lost:" + appId;
  }
}
