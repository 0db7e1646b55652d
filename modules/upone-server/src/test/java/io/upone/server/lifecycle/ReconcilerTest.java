package io.upone.server.lifecycle;

import static io.upone.core.proto.TaskState.TASK_FAILED;
import static io.upone.core.proto.TaskState.TASK_FINISHED;
import static io.upone.core.proto.TaskState.TASK_KILLED;
import static io.upone.core.proto.TaskState.TASK_LOST;
import static io.upone.core.proto.TaskState.TASK_RUNNING;
import static io.upone.core.proto.TaskState.TASK_STAGING;
import static io.upone.core.proto.TaskState.TASK_UNREACHABLE;
import static io.upone.server.lifecycle.Reconciler.Scope.DEMANDS;
import static io.upone.server.lifecycle.Reconciler.Scope.FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.TaskReport;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reconciler as a table: each row is a world (state built from real events, plus what is in
 * flight), an instant, a scope, and what must be decided. No Vert.x, no clock.
 */
class ReconcilerTest {
  private static final long T = 1_000_000; // "now" in most rows

  static Stream<Arguments> rows() {
    return Stream.of(
        Row.of("an empty cluster decides nothing", World::new, T, FULL, d -> {
          assertTrue(d.demands().isEmpty());
          assertTrue(d.kills().isEmpty());
          assertTrue(d.runs().isEmpty());
        }),
        Row.of("a new app wants all its instances", () -> new World().app("/a", 3), T, FULL,
            d -> assertEquals(Map.of("/a", 3), Row.demanded(d))),
        Row.of("an app at its count wants nothing and kills nothing", () -> running(new World().app("/a", 3), "/a", 3), T, FULL, d -> {
          assertTrue(d.demands().isEmpty());
          assertTrue(d.kills().isEmpty());
        }),
        Row.of("scale up: only the missing instances", () -> running(new World().app("/a", 5), "/a", 2), T, DEMANDS,
            d -> assertEquals(Map.of("/a", 3), Row.demanded(d))),
        Row.of("scale down kills the newest first", () -> running(new World().app("/a", 1), "/a", 3), T, FULL,
            d -> assertEquals(Set.of("/a-2", "/a-1"), Row.killed(d))),
        Row.of("scale down kills tasks not yet running before running ones", () -> new World().app("/a", 1)
                .task("old-staging", "/a", TASK_STAGING, 10).task("young-running", "/a", TASK_RUNNING, 20), T, FULL,
            d -> assertEquals(Set.of("old-staging"), Row.killed(d))),
        Row.of("scale down kills unhealthy tasks before healthy ones", () -> new World().app("/a", 1)
                .task("sick", "/a", TASK_RUNNING, 10).unhealthy("sick", 11).task("fine", "/a", TASK_RUNNING, 20), T, FULL,
            d -> assertEquals(Set.of("sick"), Row.killed(d))),
        Row.of("scale down stays within the kill budget (half the app at once)", () -> running(new World().app("/a", 0), "/a", 10),
            T, FULL, d -> assertEquals(5, d.kills().size())),
        // 7 live tasks: 4 may be dying at once; 3 already are
        Row.of("kills in flight use up the budget", () -> running(new World().app("/a", 0), "/a", 10)
                .killing("/a-0", T - 10).killing("/a-1", T - 10).killing("/a-2", T - 10), T, FULL,
            d -> assertEquals(1, d.kills().size())),
        Row.of("one task too many is killed at once", () -> running(new World().app(appWithBudget()), "/b", 2), T, FULL,
            d -> assertEquals(1, d.kills().size())),
        Row.of("a demands-only pass kills nothing", () -> running(new World().app("/a", 1), "/a", 3), T, DEMANDS,
            d -> assertTrue(d.kills().isEmpty())),
        Row.of("a task being killed is replaced", () -> running(new World().app("/a", 2), "/a", 2).killing("/a-0", T - 10),
            T, DEMANDS, d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("a failing app waits out its backoff", () -> new World().app("/a", 1).failed("/a", T - 100), T, FULL, d -> {
          assertTrue(d.demands().isEmpty());
          assertEquals(Map.of("/a", 1), d.missing(), "still missing, for why-pending");
        }),
        Row.of("after the backoff the app is placed again", () -> new World().app("/a", 1).failed("/a", T - 5000), T, FULL,
            d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("a task running long enough ends the backoff", () -> new World().app("/a", 2)
                .task("up", "/a", TASK_RUNNING, T - 10_000).failed("/a", T - 20_000), T, FULL,
            d -> assertEquals(Set.of("/a"), d.backoffResets())),
        Row.of("a task that just started does not end the backoff", () -> new World().app("/a", 2)
                .task("up", "/a", TASK_RUNNING, T - 100).failed("/a", T - 200), T, FULL,
            d -> assertTrue(d.backoffResets().isEmpty())),
        Row.of("unmet demand starts waiting now", () -> new World().app("/a", 1), T, DEMANDS, d -> {
          assertEquals(Map.of("/a", T), d.pendingSince());
          assertFalse(d.demands().get(0).relaxSpread());
        }),
        Row.of("demand unmet for long relaxes the spread", () -> new World().app("/a", 1).pendingSince("/a", T - 4000), T,
            DEMANDS, d -> assertTrue(d.demands().get(0).relaxSpread())),
        Row.of("met demand stops waiting", () -> running(new World().app("/a", 1), "/a", 1).pendingSince("/a", T - 4000), T,
            DEMANDS, d -> assertTrue(d.pendingSince().isEmpty())),
        Row.of("tasks of a deleted app are killed", () -> running(new World(), "/gone", 2), T, FULL,
            d -> assertEquals(Set.of("/gone-0", "/gone-1"), Row.killed(d))),
        Row.of("a task already being killed is not killed again", () -> running(new World(), "/gone", 1).killing("/gone-0", T - 10),
            T, FULL, d -> assertTrue(d.kills().isEmpty())),
        Row.of("an unanswered kill is resent after 30 s", () -> running(new World(), "/gone", 1).killing("/gone-0", T - 31_000),
            T, FULL, d -> assertEquals(List.of("kill resent"), d.kills().stream().map(Decisions.Kill::reason).toList())),
        Row.of("kills whose tasks are gone are forgotten", () -> new World().app("/a", 0).killing("ended", T - 10), T, FULL,
            d -> assertEquals(Set.of("ended"), d.forgetKills())),
        Row.of("an unreachable task is replaced at once", () -> running(new World().app("/a", 2), "/a", 2)
                .status("/a-0", TASK_UNREACHABLE, T - 1000), T, FULL, d -> {
          assertEquals(Map.of("/a", 1), Row.demanded(d));
          assertEquals(Set.of("/a"), d.appsWithUnreachable());
        }),
        Row.of("an unreachable task is given up after the expunge time", () -> running(new World().app("/a", 1), "/a", 1)
                .status("/a-0", TASK_UNREACHABLE, T - 601_000), T, FULL,
            d -> assertEquals(List.of("/a-0"), d.expunge().stream().map(Task::id).toList())),
        Row.of("an unreachable task being written LOST is not expunged twice", () -> running(new World().app("/a", 1), "/a", 1)
                .status("/a-0", TASK_UNREACHABLE, T - 601_000).reporting("/a-0", TASK_LOST), T, FULL,
            d -> assertTrue(d.expunge().isEmpty())),
        Row.of("a lost task is replaced", () -> running(new World().app("/a", 2), "/a", 2).status("/a-1", TASK_LOST, T - 5), T,
            DEMANDS, d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("a fired run waits for a task", () -> new World().job(World.jobSpec("/j")).fire("/j", T - 1000), T, DEMANDS,
            d -> assertEquals(List.of(World.run("/j", T - 1000)), d.runs().stream().map(r -> r.runId()).toList())),
        Row.of("a run past its timeout is killed", () -> new World().job(World.jobSpec("/j").setRunTimeoutSeconds(10))
                .fire("/j", T - 20_000).task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000), T, DEMANDS,
            d -> assertEquals(Set.of("t"), Row.killed(d))),
        Row.of("a run whose task finished ends FINISHED", () -> new World().job(World.jobSpec("/j")).fire("/j", T - 20_000)
                .task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000).status("t", TASK_FINISHED, T - 1000),
            T, DEMANDS, d -> {
              assertEquals(1, d.runEnds().size());
              assertEquals(RunState.RUN_FINISHED, d.runEnds().get(0).finish().state());
            }),
        Row.of("a run being finished is left alone", () -> new World().job(World.jobSpec("/j")).fire("/j", T - 20_000)
                .task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000).status("t", TASK_FINISHED, T - 1000)
                .finishing(World.run("/j", T - 20_000)), T, DEMANDS, d -> assertTrue(d.runEnds().isEmpty())),
        Row.of("a failed run with retries left is launched again after its backoff", () -> new World()
                .job(World.jobSpec("/j").setRetries(1).setRetryBackoffSeconds(1)).fire("/j", T - 20_000)
                .task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000).status("t", TASK_FAILED, T - 10_000),
            T, DEMANDS, d -> assertEquals(1, d.runs().size())),
        Row.of("a task whose run has ended is killed", () -> new World().job(World.jobSpec("/j")).fire("/j", T - 20_000)
                .task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000).finishRun("/j", T - 20_000, T - 5),
            T, FULL, d -> assertEquals(List.of("its run has ended"), d.kills().stream().map(Decisions.Kill::reason).toList())),
        Row.of("tasks of a deleted job are killed", () -> new World().job(World.jobSpec("/j")).fire("/j", T - 20_000)
                .task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000).deleteJob("/j"),
            T, FULL, d -> assertEquals(Set.of("t"), Row.killed(d))),
        Row.of("job run tasks do not count as app instances", () -> new World().app("/a", 1).job(World.jobSpec("/j"))
                .fire("/j", T - 20_000).task("t", "/j", World.run("/j", T - 20_000), TASK_RUNNING, T - 19_000), T, FULL,
            d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("decisions name the index they were taken at", () -> new World().app("/a", 1).app("/b", 1), T, DEMANDS,
            d -> assertEquals(2, d.atIndex())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    row.check();
  }

  // ---- reports ---------------------------------------------------------------------------------

  @Test
  void reports() {
    World w = running(new World().app("/a", 2), "/a", 2).reporting("/a-1", TASK_FINISHED);
    assertInstanceOf(Reconciler.ReportAction.KillOrphan.class, Row.RECONCILER.report(w.state, w.inFlight, report("stray", TASK_RUNNING)),
        "a live task the log does not know is an orphan");
    assertInstanceOf(Reconciler.ReportAction.Acknowledge.class, Row.RECONCILER.report(w.state, w.inFlight, report("stray", TASK_KILLED)),
        "an orphan's end is only acknowledged");
    w.killing("stray2", T);
    assertInstanceOf(Reconciler.ReportAction.Acknowledge.class, Row.RECONCILER.report(w.state, w.inFlight, report("stray2", TASK_RUNNING)),
        "an orphan already being killed is not killed again");
    assertInstanceOf(Reconciler.ReportAction.Acknowledge.class, Row.RECONCILER.report(w.state, w.inFlight, report("/a-0", TASK_RUNNING)),
        "a state already committed is acknowledged");
    assertInstanceOf(Reconciler.ReportAction.Wait.class, Row.RECONCILER.report(w.state, w.inFlight, report("/a-1", TASK_FINISHED)),
        "the same change being written is not written twice");
    Reconciler.ReportAction a = Row.RECONCILER.report(w.state, w.inFlight, report("/a-0", TASK_FAILED));
    assertEquals(TASK_FAILED, ((Reconciler.ReportAction.Write) a).change().getState());
  }

  @Test
  void failuresCountOnlyWhenNotKilledByUs() {
    assertTrue(Reconciler.failureCounts(report("x", TASK_FAILED), false));
    assertFalse(Reconciler.failureCounts(report("x", TASK_FAILED), true));
    assertFalse(Reconciler.failureCounts(report("x", TASK_FINISHED), false));
  }

  @Test
  void aLostAgentsTasks() {
    World w = running(new World().app("/a", 3), "/a", 3);
    String agent = w.state.task("/a-0").orElseThrow().agentId();
    Set<String> expected = w.state.tasks().stream().filter(t -> t.agentId().equals(agent)).map(Task::id).collect(Collectors.toSet());
    assertEquals(expected, Reconciler.onAgent(w.state, agent).stream().map(Task::id).collect(Collectors.toSet()));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** {@code n} RUNNING tasks {@code app-0..n-1}, launched one ms apart (the last is the newest). */
  private static World running(World w, String app, int n) {
    for (int i = 0; i < n; i++) w.task(app + "-" + i, app, TASK_RUNNING, 1000 + i);
    return w;
  }

  private static io.upone.core.proto.AppSpec appWithBudget() {
    return io.upone.core.proto.AppSpec.newBuilder().setId("/b").setCmd("x").setCpus(0.1).setMem(1).setInstances(1)
        .setVersion(1).build();
  }


  private static TaskReport report(String taskId, TaskState st) {
    return new TaskReport(taskId, "agent", st, 0, "", "", null);
  }
}
