package io.upone.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.cron.RunProgress;
import io.upone.server.config.SchedulerConfig;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "Why" 1: a successful cron run recorded {@code RUN_FAILED "task lost (TASK_RUNNING)"}.
 * The job runner read the run (its task still RUNNING) and then the task (already removed by the
 * FINISHED report) from the live projection while the apply thread was between the two. Readers
 * now decide on one immutable view, so that interleaving cannot happen.
 */
class TornReadTest {
  private static final long T = 1_000_000_000L;
  private final Reconciler reconciler = new Reconciler(SchedulerConfig.defaults());

  @Test
  void aSuccessfulRunIsNeverJudgedLostWhateverTheApplyThreadDoesMeanwhile() {
    String run = World.run("/j", T - 20_000);
    World w = new World().job(World.jobSpec("/j").setRetries(1)).fire("/j", T - 20_000)
        .task("t", "/j", run, TaskState.TASK_RUNNING, T - 19_000);
    State before = w.state.view(); // what a reader holds when the report commits

    w.status("t", TaskState.TASK_FINISHED, T - 1000); // the apply thread applies the FINISHED report
    State after = w.state.view();

    // the interleaving of the defect, forced: the run as it was, the task as it is now
    JobRecord job = before.job("/j").orElseThrow();
    JobRun stale = job.getActive(0);
    RunProgress.Step torn = RunProgress.next(job.getSpec(), stale, after.task("t").isPresent(), 0, false, T);
    assertInstanceOf(RunProgress.Launch.class, torn, "a torn read retries a run that succeeded (or fails it with no retries left)");

    // a reader on one view: the view from before waits for the task, the view from after finishes the run
    Decisions onBefore = reconciler.reconcile(before, w.inFlight, T, Reconciler.Scope.FULL);
    assertTrue(onBefore.runEnds().isEmpty(), onBefore.runEnds().toString());
    assertTrue(onBefore.runs().isEmpty(), "no retry launched");
    Decisions onAfter = reconciler.reconcile(after, w.inFlight, T, Reconciler.Scope.FULL);
    assertEquals(1, onAfter.runEnds().size());
    assertEquals(RunState.RUN_FINISHED, onAfter.runEnds().get(0).finish().state());
    assertTrue(onAfter.runs().isEmpty(), "no retry launched");
    assertEquals(after.lastEventIndex(), onAfter.atIndex(), "the decision names the view it was made on");
  }
}
