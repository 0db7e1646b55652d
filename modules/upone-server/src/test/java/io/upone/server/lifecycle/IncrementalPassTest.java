package io.upone.server.lifecycle;

import static io.upone.core.proto.TaskState.TASK_FAILED;
import static io.upone.core.proto.TaskState.TASK_RUNNING;
import static io.upone.core.proto.TaskState.TASK_STAGING;
import static io.upone.server.lifecycle.Reconciler.Scope.DEMANDS;
import static io.upone.server.lifecycle.Reconciler.Scope.FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.upone.core.proto.AppDeleted;
import io.upone.core.proto.AppScaled;
import io.upone.core.proto.Event;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pass over the apps that changed decides what a pass over every app would: after each change
 * of a story, both are run on the same world and compared (demands, what is missing, kills).
 */
class IncrementalPassTest {
  private static final long T = 1_000_000;

  private final World w = new World();

  @Test
  void aPassOverTheChangedAppsDecidesWhatAPassOverEveryAppDecides() {
    w.app("/a", 2).task("a1", "/a", TASK_RUNNING, 10).task("a2", "/a", TASK_RUNNING, 10)
        .app("/b", 3).task("b1", "/b", TASK_RUNNING, 10)
        .app("/c", 1)
        .app("/idle", 0);
    for (int i = 0; i < 50; i++) w.app("/many/" + i, 1).task("m" + i, "/many/" + i, TASK_RUNNING, 10);
    same(FULL, null, T); // the pass at leading: every app

    w.status("a1", TASK_FAILED, T); // a task ended: its app is short again
    same(DEMANDS, Set.of("/a"), T + 1);

    w.app("/d", 2);
    same(FULL, Set.of("/d"), T + 2);

    w.task("b2", "/b", TASK_STAGING, T + 3); // a launch queues no pass: /b, short at the last one, is looked at again
    same(DEMANDS, Set.of(), T + 3);

    w.killing("m7", T + 4); // a kill in flight: its app counts one less
    same(DEMANDS, Set.of(), T + 4);

    w.apply(T + 5, Event.newBuilder().setAppScaled(AppScaled.newBuilder().setAppId("/many/3").setInstances(0)
        .setPreviousVersion(1)));
    same(FULL, Set.of("/many/3"), T + 5); // scaled to 0: its task is killed

    w.apply(T + 6, Event.newBuilder().setAppDeleted(AppDeleted.newBuilder().setAppId("/a").setPreviousVersion(1)));
    same(FULL, Set.of("/a"), T + 6); // deleted: its task is killed

    w.failed("/c", T + 7); // backing off: missing, not demanded, until the delay is over
    same(DEMANDS, Set.of("/c"), T + 7);
    same(DEMANDS, Set.of(), T + 60_000);
  }

  @Test
  void aTaskThatEndedIsFoundInTheViewOfTheLastPassAndAnUnknownOneMeansEveryApp() {
    w.app("/a", 1).task("a1", "/a", TASK_RUNNING, 10);
    State seen = w.state.view();
    w.status("a1", TASK_FAILED, T);
    PendingPass pending = new PendingPass();
    pending.add(List.of(ended("a1")), w.state, seen);
    assertEquals(DEMANDS, pending.scope());
    assertEquals(Set.of("/a"), pending.apps());
    pending.add(List.of(ended("never-seen")), w.state, seen);
    assertNull(pending.apps(), "a task nobody saw: every app");
  }

  private static Event ended(String taskId) {
    return Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(taskId).setState(TASK_FAILED))
        .build();
  }

  /** Decides over every app and over {@code changed}; the decisions must agree. Then the verticle's bookkeeping. */
  private void same(Reconciler.Scope scope, Set<String> changed, long now) {
    Decisions all = Row.RECONCILER.reconcile(w.state, w.inFlight, now, scope, null);
    Decisions some = Row.RECONCILER.reconcile(w.state, w.inFlight, now, scope, changed);
    String at = "after the change at " + now;
    assertEquals(Row.demanded(all), Row.demanded(some), at);
    assertEquals(all.missing(), some.missing(), at);
    assertEquals(all.pendingSince(), some.pendingSince(), at);
    assertEquals(Row.killed(all), Row.killed(some), at);
    w.inFlight.pendingSince = some.pendingSince();
    w.inFlight.lastShort = some.missing().keySet();
    for (Decisions.Kill k : some.kills()) w.inFlight.killSent(k.taskId(), now);
  }
}
