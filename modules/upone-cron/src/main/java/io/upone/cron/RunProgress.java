package io.upone.cron;

import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.RunState;

/**
 * The next step of one active job run, decided from the log's state alone (the run, its last
 * task's reported state, whether that task is still alive) and the time. Because nothing else is
 * consulted, a new leader takes each run exactly where the old one left it.
 */
public final class RunProgress {
  /** Attempts whose task never reached RUNNING (lost launches) allowed beyond {@code retries}. */
  static final int EXTRA_UNSTARTED_ATTEMPTS = 3;
  static final long MAX_BACKOFF_MS = 3_600_000;

  private RunProgress() {}

  public sealed interface Step {}

  /** Nothing to do before {@code untilMs} (Long.MAX_VALUE: until something is reported). */
  public record Wait(long untilMs) implements Step {}

  /** Start a task for the run (first attempt, a retry, or a relaunch of a lost launch). */
  public record Launch() implements Step {}

  /** Record the run's end. */
  public record Finish(RunState state, int exitCode, String message) implements Step {}

  /** Stop the run's task; its report then finishes the run. */
  public record Kill(String taskId, String reason) implements Step {}

  /**
   * @param taskAlive       the run's current task exists in state (not yet terminal)
   * @param taskLaunchedMs  when that task was launched (for the run timeout), if alive
   * @param newerActive     a newer run of the same job is active (REPLACE ends this one)
   */
  public static Step next(JobSpec spec, JobRun run, boolean taskAlive, long taskLaunchedMs, boolean newerActive,
                          long nowMs) {
    boolean hasTask = run.getState() == RunState.RUN_STARTED && !run.getTaskId().isEmpty();
    if (newerActive && spec.getConcurrencyPolicy() == ConcurrencyPolicy.REPLACE) {
      if (taskAlive) return new Kill(run.getTaskId(), "replaced by a newer run");
      return new Finish(RunState.RUN_KILLED, run.getExitCode(), hasTask ? "replaced by a newer run"
          : "replaced by a newer run before it started");
    }
    if (!hasTask) {
      long deadlineMs = spec.getStartingDeadlineSeconds() * 1000L;
      if (!run.getManual() && deadlineMs > 0 && nowMs - run.getScheduledMs() > deadlineMs) {
        return new Finish(RunState.RUN_MISSED, 0, "not started within the starting deadline of "
            + spec.getStartingDeadlineSeconds() + " s");
      }
      return new Launch();
    }
    if (taskAlive) {
      long timeoutMs = spec.getRunTimeoutSeconds() * 1000L;
      if (timeoutMs == 0) return new Wait(Long.MAX_VALUE);
      long due = taskLaunchedMs + timeoutMs;
      return nowMs >= due ? new Kill(run.getTaskId(), "run timeout of " + spec.getRunTimeoutSeconds() + " s") : new Wait(due);
    }
    // the task has ended: what it reported decides
    return switch (run.getTaskState()) {
      case TASK_FINISHED -> new Finish(RunState.RUN_FINISHED, run.getExitCode(), run.getMessage());
      case TASK_KILLED, TASK_KILLING -> new Finish(RunState.RUN_KILLED, run.getExitCode(),
          run.getMessage().isEmpty() ? "killed" : run.getMessage());
      case TASK_FAILED, TASK_ERROR -> retryOrFail(spec, run, nowMs, false);
      // lost, dropped, gone, unreachable, unknown: if it never ran, nothing of it happened
      default -> run.getTaskStarted() ? retryOrFail(spec, run, nowMs, true)
          : run.getAttempts() <= spec.getRetries() + EXTRA_UNSTARTED_ATTEMPTS ? new Launch()
          : new Finish(RunState.RUN_FAILED, 0, "task could not be started: " + run.getTaskState());
    };
  }

  private static Step retryOrFail(JobSpec spec, JobRun run, long nowMs, boolean lost) {
    String what = lost ? "task lost (" + run.getTaskState() + ")" : run.getMessage();
    if (run.getAttempts() > spec.getRetries()) return new Finish(RunState.RUN_FAILED, run.getExitCode(), what);
    long at = run.getTaskEndedMs() + backoffMs(spec, run.getAttempts());
    return nowMs >= at ? new Launch() : new Wait(at);
  }

  /** retryBackoffSeconds × 2^(attempts−1), capped at an hour. */
  static long backoffMs(JobSpec spec, int attempts) {
    double ms = spec.getRetryBackoffSeconds() * 1000 * Math.pow(2, Math.max(0, attempts - 1));
    return (long) Math.min(MAX_BACKOFF_MS, ms);
  }
}
