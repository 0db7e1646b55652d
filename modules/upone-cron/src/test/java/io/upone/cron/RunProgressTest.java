package io.upone.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskState;
import org.junit.jupiter.api.Test;

class RunProgressTest {
  static final long T0 = 1_000_000;
  static final JobSpec SPEC = JobSpec.newBuilder().setId("/j").setStartingDeadlineSeconds(60).setRetries(2)
      .setRetryBackoffSeconds(10).setConcurrencyPolicy(ConcurrencyPolicy.FORBID).build();

  static JobRun fired() {
    return JobRun.newBuilder().setRunId("r").setScheduledMs(T0).setState(RunState.RUN_FIRED).build();
  }

  static JobRun started(int attempts, TaskState last, boolean ran) {
    return fired().toBuilder().setState(RunState.RUN_STARTED).setTaskId("t" + attempts).setAttempts(attempts)
        .setTaskState(last).setTaskStarted(ran).setTaskEndedMs(T0 + 5000).setExitCode(last == TaskState.TASK_FAILED ? 3 : 0)
        .setMessage("exit").build();
  }

  @Test
  void aFiredRunIsLaunchedInsideItsDeadlineAndMissedAfter() {
    assertEquals(new RunProgress.Launch(), RunProgress.next(SPEC, fired(), false, 0, false, T0 + 60_000));
    RunProgress.Step late = RunProgress.next(SPEC, fired(), false, 0, false, T0 + 60_001);
    assertEquals(RunState.RUN_MISSED, ((RunProgress.Finish) late).state());
    // a manual run has no deadline
    assertEquals(new RunProgress.Launch(), RunProgress.next(SPEC, fired().toBuilder().setManual(true).build(),
        false, 0, false, T0 + 600_000));
  }

  @Test
  void aLiveTaskIsLeftAloneUntilItsTimeout() {
    JobRun run = started(1, TaskState.TASK_RUNNING, true);
    assertEquals(new RunProgress.Wait(Long.MAX_VALUE), RunProgress.next(SPEC, run, true, T0, false, T0 + 999_999));
    JobSpec timed = SPEC.toBuilder().setRunTimeoutSeconds(30).build();
    assertEquals(new RunProgress.Wait(T0 + 30_000), RunProgress.next(timed, run, true, T0, false, T0 + 29_999));
    assertEquals("t1", ((RunProgress.Kill) RunProgress.next(timed, run, true, T0, false, T0 + 30_000)).taskId());
  }

  @Test
  void theLastTaskStateDecidesTheEnd() {
    assertEquals(new RunProgress.Finish(RunState.RUN_FINISHED, 0, "exit"),
        RunProgress.next(SPEC, started(1, TaskState.TASK_FINISHED, true), false, 0, false, T0 + 6000));
    assertEquals(RunState.RUN_KILLED, ((RunProgress.Finish) RunProgress.next(SPEC,
        started(1, TaskState.TASK_KILLED, true), false, 0, false, T0 + 6000)).state());
  }

  @Test
  void failuresAreRetriedWithDoublingBackoffThenFail() {
    // attempt 1 failed at T0+5s: backoff 10 s
    assertEquals(new RunProgress.Wait(T0 + 15_000), RunProgress.next(SPEC, started(1, TaskState.TASK_FAILED, true), false, 0, false, T0 + 6000));
    assertEquals(new RunProgress.Launch(), RunProgress.next(SPEC, started(1, TaskState.TASK_FAILED, true), false, 0, false, T0 + 15_000));
    // attempt 2: 20 s
    assertEquals(new RunProgress.Wait(T0 + 25_000), RunProgress.next(SPEC, started(2, TaskState.TASK_FAILED, true), false, 0, false, T0 + 6000));
    // attempt 3 = 1 + retries: the run fails with the task's exit code
    assertEquals(new RunProgress.Finish(RunState.RUN_FAILED, 3, "exit"),
        RunProgress.next(SPEC, started(3, TaskState.TASK_FAILED, true), false, 0, false, T0 + 999_000));
  }

  @Test
  void aLaunchThatNeverRanIsRelaunchedWithoutSpendingRetries() {
    JobSpec noRetries = SPEC.toBuilder().setRetries(0).build();
    assertEquals(new RunProgress.Launch(), RunProgress.next(noRetries, started(1, TaskState.TASK_LOST, false), false, 0, false, T0));
    assertEquals(new RunProgress.Launch(), RunProgress.next(noRetries,
        started(RunProgress.EXTRA_UNSTARTED_ATTEMPTS, TaskState.TASK_DROPPED, false), false, 0, false, T0));
    // 1 + retries + the extra attempts in all, then the run fails
    assertEquals(RunState.RUN_FAILED, ((RunProgress.Finish) RunProgress.next(noRetries,
        started(1 + RunProgress.EXTRA_UNSTARTED_ATTEMPTS, TaskState.TASK_LOST, false), false, 0, false, T0)).state());
    // a task that ran and was then lost may have done its work: that is a failure
    assertEquals(RunState.RUN_FAILED, ((RunProgress.Finish) RunProgress.next(noRetries,
        started(1, TaskState.TASK_LOST, true), false, 0, false, T0)).state());
  }

  @Test
  void replaceEndsOlderRuns() {
    JobSpec replace = SPEC.toBuilder().setConcurrencyPolicy(ConcurrencyPolicy.REPLACE).build();
    assertEquals(new RunProgress.Kill("t1", "replaced by a newer run"),
        RunProgress.next(replace, started(1, TaskState.TASK_RUNNING, true), true, T0, true, T0));
    assertEquals(RunState.RUN_KILLED, ((RunProgress.Finish) RunProgress.next(replace, fired(), false, 0, true, T0)).state());
    // ALLOW lets both run
    JobSpec allow = SPEC.toBuilder().setConcurrencyPolicy(ConcurrencyPolicy.ALLOW).build();
    assertEquals(new RunProgress.Wait(Long.MAX_VALUE),
        RunProgress.next(allow, started(1, TaskState.TASK_RUNNING, true), true, T0, true, T0));
  }
}
