package io.upone.server.lifecycle;

import static io.upone.core.proto.TaskState.TASK_RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.state.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tasks of lost agents are given up now and which are held, per app and minute. */
class LostBudgetTest {
  private static final long T = 1_000_000;

  private static World app(String id, int n) {
    World w = new World().app(id, n);
    for (int i = 0; i < n; i++) w.task(id + "-" + i, id, TASK_RUNNING, 1000 + i);
    return w;
  }

  private static List<Task> tasks(World w, String app) {
    return List.copyOf(w.state.tasksOf(app));
  }

  @Test
  void aBlipThatHidesMostOfAnAppGivesUpOnlyTheBudgetAndAlerts() {
    World w = app("/a", 10);
    LostBudget.Split s = LostBudget.split(w.state, tasks(w, "/a"), w.inFlight, 0.2, T);
    assertEquals(List.of("/a-0", "/a-1"), s.lostNow().stream().map(Task::id).toList(), "the oldest two: 20% of 10");
    assertEquals(8, s.held().size());
    assertEquals("lost_budget_exhausted", s.alerts().get(0).kind());
  }

  @Test
  void aSmallLossIsReplacedAtOnceWithoutAlert() {
    World w = app("/a", 10);
    LostBudget.Split s = LostBudget.split(w.state, tasks(w, "/a").subList(0, 3), w.inFlight, 0.5, T);
    assertEquals(3, s.lostNow().size());
    assertTrue(s.held().isEmpty() && s.alerts().isEmpty());
  }

  @Test
  void theBudgetIsPerMinuteAndComesBack() {
    World w = app("/a", 10);
    w.inFlight.wroteLost("/a", 2, T - 30_000);
    w.inFlight.alerted.put(LostBudget.alertKey("/a"), T - 30_000);
    LostBudget.Split used = LostBudget.split(w.state, tasks(w, "/a"), w.inFlight, 0.2, T);
    assertTrue(used.lostNow().isEmpty(), "spent in the last minute");
    assertTrue(used.alerts().isEmpty(), "one alert a minute");
    LostBudget.Split later = LostBudget.split(w.state, tasks(w, "/a"), w.inFlight, 0.2, T + 31_000);
    assertEquals(2, later.lostNow().size());
  }

  @Test
  void aSingleInstanceAppIsAlwaysReplaced() {
    World w = app("/one", 1);
    assertEquals(1, LostBudget.split(w.state, tasks(w, "/one"), w.inFlight, 0.1, T).lostNow().size());
  }
}
