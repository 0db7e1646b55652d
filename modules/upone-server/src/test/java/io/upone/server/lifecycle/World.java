package io.upone.server.lifecycle;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobDeleted;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;

/** A state built from real events, plus what the lifecycle has in flight: the input of one reconciler row. */
final class World {
  final State state = new State();
  final InFlight inFlight = new InFlight();
  private long entry;

  World apply(long atMs, Event.Builder e) {
    state.applyProposal(Proposal.newBuilder().addEvents(e.setTimestampMs(atMs)).build(), ++entry, 1);
    return this;
  }

  World app(String id, int instances) {
    return app(spec(id, instances).build());
  }

  World propose(Proposal p) {
    state.applyProposal(p, ++entry, 1);
    return this;
  }

  /** The same definition, every task to be replaced: a deployment of the app's own strategy. */
  World restart(String app, long atMs) {
    return propose(io.upone.core.command.AppCommands.restart(state, app, atMs));
  }

  static AppSpec.Builder spec(String id, int instances) {
    return AppSpec.newBuilder().setId(id).setCmd("sleep 100").setCpus(0.1).setMem(16).setInstances(instances)
        .setVersion(1).setBackoffSeconds(1).setBackoffFactor(2).setMaxLaunchDelaySeconds(60);
  }

  World app(AppSpec spec) {
    return apply(0, Event.newBuilder().setAppCreated(AppCreated.newBuilder().setSpec(spec)));
  }

  /** A task launched at {@code atMs} and reported {@code st} at the same instant. */
  World task(String id, String app, TaskState st, long atMs) {
    return task(id, app, "", st, atMs);
  }

  World task(String id, String app, String runId, TaskState st, long atMs) {
    long version = state.app(app).map(AppSpec::getVersion).orElse(1L); // launched from the app as it is now
    apply(atMs, Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId(id).setAppId(app).setAppVersion(version)
        .setAgentId("agent-" + id.hashCode() % 3).setHostname("h").setRunId(runId)));
    return st == TaskState.TASK_STAGING ? this : status(id, st, atMs);
  }

  World status(String id, TaskState st, long atMs) {
    return apply(atMs, Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(id).setState(st)));
  }

  World unhealthy(String id, long atMs) {
    return health(id, false, atMs);
  }

  World health(String id, boolean healthy, long atMs) {
    return apply(atMs, Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(id)
        .setState(TaskState.TASK_RUNNING).setHasHealth(true).setHealthy(healthy)));
  }

  World zone(String name) {
    return apply(0, Event.newBuilder().setZoneCreated(io.upone.core.proto.ZoneCreated.newBuilder().setSpec(
        io.upone.core.proto.ZoneSpec.newBuilder().setName(name).setKind(io.upone.core.proto.LbKind.HAPROXY)
            .addInstances("127.0.0.1:1"))));
  }

  World ready(String id, long atMs) {
    return apply(atMs, Event.newBuilder().setTaskReady(io.upone.core.proto.TaskReady.newBuilder().setTaskId(id)));
  }

  World deploymentWriting(String appId) {
    inFlight.deploymentWrites.add(state.deployment(appId).orElseThrow().getStarted().getDeploymentId());
    return this;
  }

  World healthKilledAt(String app, int n, long atMs) {
    inFlight.healthKilled(app, n, atMs);
    return this;
  }

  World job(JobSpec.Builder spec) {
    return apply(0, Event.newBuilder().setJobCreated(JobCreated.newBuilder().setSpec(spec.setVersion(1))));
  }

  static JobSpec.Builder jobSpec(String id) {
    return JobSpec.newBuilder().setId(id).setSchedule("* * * * *").setCmd("date").setCpus(0.1).setMem(16)
        .setHistoryLimit(5);
  }

  World fire(String job, long scheduledMs) {
    return apply(scheduledMs, Event.newBuilder().setJobRunFired(JobRunFired.newBuilder().setJobId(job)
        .setRunId(run(job, scheduledMs)).setScheduledMs(scheduledMs)));
  }

  World finishRun(String job, long scheduledMs, long atMs) {
    return apply(atMs, Event.newBuilder().setJobRunFinished(JobRunFinished.newBuilder().setJobId(job)
        .setRunId(run(job, scheduledMs)).setState(RunState.RUN_FINISHED)));
  }

  World deleteJob(String job) {
    return apply(0, Event.newBuilder().setJobDeleted(JobDeleted.newBuilder().setJobId(job).setPreviousVersion(1)));
  }

  static String run(String job, long scheduledMs) {
    return job + "@" + scheduledMs;
  }

  World killing(String taskId, long sentAtMs) {
    inFlight.killSent(taskId, sentAtMs);
    return this;
  }

  World failed(String app, long atMs) {
    inFlight.backoffOf(app).failed(state.app(app).orElseThrow(), atMs);
    return this;
  }

  World pendingSince(String app, long atMs) {
    inFlight.pendingSince.put(app, atMs);
    return this;
  }

  World reporting(String taskId, TaskState st) {
    inFlight.reporting.put(taskId, st);
    return this;
  }

  World finishing(String runId) {
    inFlight.finishing.add(runId);
    return this;
  }
}
