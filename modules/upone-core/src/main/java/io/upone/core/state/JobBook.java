package io.upone.core.state;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobDeleted;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobRunMissed;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.JobUpdated;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskLaunched;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The jobs part of the projection: each job's spec, the newest instant it fired (or recorded as
 * missed), its active runs and its recent history. A job's record is an immutable message,
 * replaced on every change, in a persistent map (see {@link State#view()}).
 *
 * <p>Exactly once: a scheduled {@code JobRunFired} or {@code JobRunMissed} for an instant at or
 * before the job's {@code last_scheduled_ms} is refused, on every member alike.
 */
final class JobBook {
  static final int DEFAULT_HISTORY = 20;
  private PersistentMap<String, JobRecord> jobs = PersistentMap.empty();
  /** Jobs with active runs: what the scheduler steps every tick, without walking idle jobs. */
  private PersistentMap<String, Boolean> busy = PersistentMap.empty();

  /** A copy sharing this book's (persistent) maps: later changes to either leave the other alone. */
  JobBook copy() {
    JobBook c = new JobBook();
    c.jobs = jobs;
    c.busy = busy;
    return c;
  }

  /** {@code jobs.computeIfPresent}, for a persistent map. */
  private void change(String id, java.util.function.BiFunction<String, JobRecord, JobRecord> f) {
    JobRecord r = jobs.get(id);
    if (r == null) return;
    JobRecord next = f.apply(id, r);
    if (next != r) jobs = jobs.put(id, next);
  }

  Optional<JobRecord> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  Collection<JobRecord> jobs() {
    return jobs.values();
  }

  List<JobRecord> withActiveRuns() {
    List<JobRecord> out = new ArrayList<>(busy.size());
    for (String id : busy.keys()) {
      JobRecord r = jobs.get(id);
      if (r != null && r.getActiveCount() > 0) out.add(r);
    }
    return out;
  }

  Optional<Problem> check(Event e) {
    return switch (e.getPayloadCase()) {
      case JOB_CREATED -> jobs.containsKey(e.getJobCreated().getSpec().getId())
          ? Optional.of(Problem.conflict("job_exists", "job " + e.getJobCreated().getSpec().getId() + " already exists", "id"))
          : Optional.empty();
      case JOB_UPDATED -> expectVersion(e.getJobUpdated().getSpec().getId(), e.getJobUpdated().getPreviousVersion());
      case JOB_DELETED -> expectVersion(e.getJobDeleted().getJobId(), e.getJobDeleted().getPreviousVersion());
      case JOB_RUN_FIRED -> {
        JobRunFired f = e.getJobRunFired();
        yield f.getManual() ? manual(f.getJobId(), f.getRunId()) : scheduled(f.getJobId(), f.getScheduledMs());
      }
      case JOB_RUN_MISSED -> scheduled(e.getJobRunMissed().getJobId(), e.getJobRunMissed().getScheduledMs());
      case JOB_RUN_FINISHED -> {
        JobRecord r = jobs.get(e.getJobRunFinished().getJobId());
        yield r != null && find(r.getActiveList(), e.getJobRunFinished().getRunId()) >= 0 ? Optional.empty()
            : Optional.of(Problem.notFound("run_not_active", "run " + e.getJobRunFinished().getRunId() + " is not active"));
      }
      default -> Optional.empty();
    };
  }

  private Optional<Problem> expectVersion(String id, long previous) {
    JobRecord r = jobs.get(id);
    if (r == null) return Optional.of(Problem.notFound("job_not_found", "job " + id + " does not exist"));
    if (r.getSpec().getVersion() != previous) {
      return Optional.of(Problem.conflict("stale_version",
          "job " + id + " is at version " + r.getSpec().getVersion() + ", not " + previous, "version"));
    }
    return Optional.empty();
  }

  private Optional<Problem> scheduled(String jobId, long scheduledMs) {
    JobRecord r = jobs.get(jobId);
    if (r == null) return Optional.of(Problem.notFound("job_not_found", "job " + jobId + " does not exist"));
    if (scheduledMs <= r.getLastScheduledMs()) {
      return Optional.of(Problem.conflict("run_already_fired", "job " + jobId + " already fired or recorded the instant "
          + scheduledMs + " (last " + r.getLastScheduledMs() + ")"));
    }
    return Optional.empty();
  }

  private Optional<Problem> manual(String jobId, String runId) {
    JobRecord r = jobs.get(jobId);
    if (r == null) return Optional.of(Problem.notFound("job_not_found", "job " + jobId + " does not exist"));
    if (find(r.getActiveList(), runId) >= 0 || find(r.getHistoryList(), runId) >= 0) {
      return Optional.of(Problem.conflict("run_exists", "run " + runId + " exists already"));
    }
    return Optional.empty();
  }

  private static int find(List<JobRun> runs, String runId) {
    for (int i = 0; i < runs.size(); i++) if (runs.get(i).getRunId().equals(runId)) return i;
    return -1;
  }

  // ---- apply ---------------------------------------------------------------------------------

  void onJobCreated(JobCreated e, long atMs) {
    jobs = jobs.put(e.getSpec().getId(), JobRecord.newBuilder().setSpec(e.getSpec()).setPlanFromMs(atMs).build());
  }

  /** A new schedule or a resume plans from now on: instants before it are neither run nor missed. */
  void onJobUpdated(JobUpdated e, long atMs) {
    change(e.getSpec().getId(), (k, r) -> {
      JobSpec old = r.getSpec();
      JobSpec now = e.getSpec();
      boolean replanned = !old.getSchedule().equals(now.getSchedule()) || !old.getTimezone().equals(now.getTimezone())
          || (old.getSuspended() && !now.getSuspended());
      JobRecord.Builder b = r.toBuilder().setSpec(now);
      if (replanned) b.setPlanFromMs(Math.max(atMs, r.getPlanFromMs()));
      return b.build();
    });
  }

  void onJobDeleted(JobDeleted e) {
    jobs = jobs.remove(e.getJobId());
    busy = busy.remove(e.getJobId());
  }

  void onJobRunFired(JobRunFired e, long atMs) {
    change(e.getJobId(), (k, r) -> {
      JobRecord.Builder b = r.toBuilder().addActive(JobRun.newBuilder().setRunId(e.getRunId())
          .setScheduledMs(e.getScheduledMs()).setManual(e.getManual()).setState(RunState.RUN_FIRED).setFiredAtMs(atMs));
      if (!e.getManual()) b.setLastScheduledMs(e.getScheduledMs());
      busy = busy.put(k, Boolean.TRUE);
      return b.build();
    });
  }

  void onJobRunMissed(JobRunMissed e, long atMs) {
    change(e.getJobId(), (k, r) -> trim(r.toBuilder().setLastScheduledMs(e.getScheduledMs())
        .addHistory(JobRun.newBuilder().setRunId(e.getRunId()).setScheduledMs(e.getScheduledMs())
            .setState(RunState.RUN_MISSED).setEndedAtMs(atMs).setMessage(e.getReason()))));
  }

  void onTaskLaunched(TaskLaunched e, long atMs) {
    if (e.getRunId().isEmpty()) return;
    change(e.getAppId(), (k, r) -> {
      int i = find(r.getActiveList(), e.getRunId());
      if (i < 0) return r;
      JobRun run = r.getActive(i);
      JobRun.Builder next = run.toBuilder().setState(RunState.RUN_STARTED).setTaskId(e.getTaskId())
          .setAttempts(run.getAttempts() + 1).setTaskState(TaskState.TASK_STAGING).setTaskStarted(false)
          .setTaskEndedMs(0);
      if (run.getStartedAtMs() == 0) next.setStartedAtMs(atMs);
      return r.toBuilder().setActive(i, next).build();
    });
  }

  /** A job run's task reported: the run remembers it, so retry decisions survive a failover. */
  void onTaskStatus(Task task, TaskStatusChanged e, long atMs) {
    if (task.runId().isEmpty()) return;
    change(task.appId(), (k, r) -> {
      int i = find(r.getActiveList(), task.runId());
      if (i < 0 || !r.getActive(i).getTaskId().equals(task.id())) return r;
      JobRun.Builder run = r.getActive(i).toBuilder().setTaskState(e.getState()).setExitCode(e.getExitCode())
          .setMessage(e.getMessage());
      if (e.getState() == TaskState.TASK_RUNNING) run.setTaskStarted(true);
      if (Task.isTerminal(e.getState())) run.setTaskEndedMs(atMs);
      return r.toBuilder().setActive(i, run).build();
    });
  }

  void onJobRunFinished(JobRunFinished e, long atMs) {
    change(e.getJobId(), (k, r) -> {
      int i = find(r.getActiveList(), e.getRunId());
      if (i < 0) return r; // already ended by an earlier event of the same proposal
      JobRun ended = r.getActive(i).toBuilder().setState(e.getState()).setExitCode(e.getExitCode())
          .setMessage(e.getMessage()).setEndedAtMs(atMs).build();
      if (r.getActiveCount() == 1) busy = busy.remove(k);
      return trim(r.toBuilder().removeActive(i).addHistory(ended));
    });
  }

  private static JobRecord trim(JobRecord.Builder b) {
    int limit = b.getSpec().getHistoryLimit() == 0 ? DEFAULT_HISTORY : b.getSpec().getHistoryLimit();
    if (b.getHistoryCount() > limit) {
      List<JobRun> keep = new ArrayList<>(b.getHistoryList().subList(b.getHistoryCount() - limit, b.getHistoryCount()));
      b.clearHistory().addAllHistory(keep);
    }
    return b.build();
  }

  // ---- snapshot ------------------------------------------------------------------------------

  List<JobRecord> sorted() {
    return jobs.values().stream().sorted(java.util.Comparator.comparing(r -> r.getSpec().getId())).toList();
  }

  void restore(List<JobRecord> records) {
    for (JobRecord r : records) {
      jobs = jobs.put(r.getSpec().getId(), r);
      if (r.getActiveCount() > 0) busy = busy.put(r.getSpec().getId(), Boolean.TRUE);
    }
  }
}
