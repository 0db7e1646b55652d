package io.upone.server.scheduler;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.cron.RunProgress;
import io.upone.eventlog.EventLog;
import io.upone.placement.Demand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job runs as tasks, for the task lifecycle (same thread): steps every active run with
 * {@link RunProgress} — ends runs, kills timed-out or replaced tasks — and keeps the runs that
 * wait for a task, which the lifecycle places like an app's missing instances. Everything is
 * derived from the log's state, so a new leader carries on where the old one stopped.
 */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  record PendingRun(JobSpec job, JobRun run) {}

  private final EventLog log;
  private final Executor onContext;
  /** Runs whose JobRunFinished is being written. */
  private final Set<String> finishing = new HashSet<>();
  /** Runs whose TaskLaunched is being written. */
  private final Set<String> launching = new HashSet<>();
  /** Runs waiting for a task, per job, oldest first (refreshed by {@link #step}). */
  private Map<String, Deque<PendingRun>> pending = new TreeMap<>();

  JobRunner(EventLog log, Executor onContext) {
    this.log = log;
    this.onContext = onContext;
  }

  void clear() {
    finishing.clear();
    launching.clear();
    pending = new TreeMap<>();
  }

  /**
   * Steps every active run. {@code kill} is called for tasks to stop (the lifecycle skips tasks
   * it is already killing). Returns true when some run waits for a task.
   */
  boolean step(State s, long now, BiConsumer<Task, String> kill) {
    Map<String, Deque<PendingRun>> waiting = new TreeMap<>();
    Set<String> activeRuns = new HashSet<>();
    for (JobRecord r : s.jobsWithActiveRuns()) {
      List<JobRun> active = r.getActiveList();
      for (int i = 0; i < active.size(); i++) {
        JobRun run = active.get(i);
        activeRuns.add(run.getRunId());
        if (finishing.contains(run.getRunId()) || launching.contains(run.getRunId())) continue;
        Task task = run.getTaskId().isEmpty() ? null : s.task(run.getTaskId()).orElse(null);
        RunProgress.Step step = RunProgress.next(r.getSpec(), run, task != null, task == null ? 0 : task.launchedAtMs(),
            i < active.size() - 1, now);
        if (step instanceof RunProgress.Launch) {
          waiting.computeIfAbsent(r.getSpec().getId(), k -> new ArrayDeque<>()).add(new PendingRun(r.getSpec(), run));
        } else if (step instanceof RunProgress.Kill k) {
          kill.accept(task, k.reason());
        } else if (step instanceof RunProgress.Finish f) {
          finish(r.getSpec().getId(), run.getRunId(), f);
        }
      }
    }
    // tasks of deleted jobs, or of runs that already ended (a REPLACE racing a launch)
    for (Task t : s.tasks()) {
      if (!t.runId().isEmpty() && !activeRuns.contains(t.runId())) {
        kill.accept(t, s.job(t.appId()).isEmpty() ? "job deleted" : "its run has ended");
      }
    }
    pending = waiting;
    return !waiting.isEmpty();
  }

  private void finish(String jobId, String runId, RunProgress.Finish f) {
    finishing.add(runId);
    LOG.info("job {} run {} ends {}: {}", jobId, runId, f.state(), f.message());
    log.append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
            .setJobRunFinished(JobRunFinished.newBuilder().setJobId(jobId).setRunId(runId).setState(f.state())
                .setExitCode(f.exitCode()).setMessage(f.message()))).build())
        .whenComplete((ok, err) -> onContext.execute(() -> finishing.remove(runId)));
  }

  /** Demands for placement: one per job with waiting runs, as an app of that many instances. */
  List<Demand> demands() {
    List<Demand> out = new ArrayList<>();
    // relaxed spread: a run goes wherever it fits, however many runs of the job are around
    pending.forEach((jobId, runs) -> {
      if (!runs.isEmpty()) out.add(new Demand(asApp(runs.peekFirst().job(), runs.size()), runs.size(), true));
    });
    return out;
  }

  boolean isJob(String id) {
    return pending.containsKey(id);
  }

  /** Takes the oldest waiting run of a job for a placement; null when none is left. */
  PendingRun claim(String jobId) {
    Deque<PendingRun> runs = pending.get(jobId);
    PendingRun p = runs == null ? null : runs.pollFirst();
    if (p != null) launching.add(p.run().getRunId());
    return p;
  }

  void launchWritten(String runId) {
    launching.remove(runId);
  }

  /** Environment a run's process gets besides the job's own. */
  static Map<String, String> env(PendingRun p) {
    Map<String, String> env = new HashMap<>(p.job().getEnvMap());
    env.put("UPONE_JOB_ID", p.job().getId());
    env.put("UPONE_RUN_ID", p.run().getRunId());
    env.put("UPONE_SCHEDULED_MS", Long.toString(p.run().getScheduledMs()));
    env.put("UPONE_ATTEMPT", Integer.toString(p.run().getAttempts() + 1));
    return env;
  }

  static AppSpec asApp(JobSpec j, int instances) {
    return AppSpec.newBuilder().setId(j.getId()).setCmd(j.getCmd()).addAllArgs(j.getArgsList())
        .setCpus(j.getCpus()).setMem(j.getMem()).setDisk(j.getDisk()).putAllEnv(j.getEnvMap())
        .putAllLabels(j.getLabelsMap()).addAllConstraints(j.getConstraintsList()).setInstances(instances)
        .setVersion(j.getVersion()).setContainer(io.upone.core.proto.Container.newBuilder().setImage(j.getImage()))
        .build();
  }
}
