package io.upone.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobDeleted;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobRunMissed;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.JobUpdated;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import org.junit.jupiter.api.Test;

/** The jobs part of the projection, and the rule that makes every instant fire at most once. */
class JobStateTest {
  private final State state = new State();
  private long entry = 1;

  private void apply(Event.Builder... events) {
    Proposal.Builder p = Proposal.newBuilder();
    for (Event.Builder e : events) p.addEvents(e.setTimestampMs(1000 + entry));
    state.applyProposal(p.build(), ++entry, 1);
  }

  private Problem refused(Event.Builder e) {
    String before = state.hash();
    Problem p = assertThrows(Problem.Failure.class, () -> apply(e)).problem();
    assertEquals(before, state.hash(), "a refused event changes nothing");
    return p;
  }

  private static Event.Builder created(String id) {
    return Event.newBuilder().setJobCreated(JobCreated.newBuilder().setSpec(JobSpec.newBuilder().setId(id)
        .setSchedule("* * * * *").setCmd("date").setCpus(0.1).setMem(16).setHistoryLimit(3).setVersion(1)));
  }

  private static Event.Builder fired(String job, long at) {
    return Event.newBuilder().setJobRunFired(JobRunFired.newBuilder().setJobId(job).setRunId(job + "@" + at).setScheduledMs(at));
  }

  private static Event.Builder missed(String job, long at) {
    return Event.newBuilder().setJobRunMissed(JobRunMissed.newBuilder().setJobId(job).setRunId(job + "@" + at)
        .setScheduledMs(at).setReason("past its starting deadline"));
  }

  private static Event.Builder finished(String job, String run, RunState s, int code) {
    return Event.newBuilder().setJobRunFinished(JobRunFinished.newBuilder().setJobId(job).setRunId(run).setState(s)
        .setExitCode(code));
  }

  private JobRecord job(String id) {
    return state.job(id).orElseThrow();
  }

  @Test
  void createUpdateDelete() {
    apply(created("/nightly"));
    assertEquals(1, job("/nightly").getSpec().getVersion());
    assertEquals("job_exists", refused(created("/nightly")).code());
    JobSpec next = job("/nightly").getSpec().toBuilder().setSuspended(true).setVersion(2).build();
    assertEquals("stale_version", refused(Event.newBuilder().setJobUpdated(JobUpdated.newBuilder().setSpec(next)
        .setPreviousVersion(7))).code());
    apply(Event.newBuilder().setJobUpdated(JobUpdated.newBuilder().setSpec(next).setPreviousVersion(1)));
    assertTrue(job("/nightly").getSpec().getSuspended());
    apply(Event.newBuilder().setJobDeleted(JobDeleted.newBuilder().setJobId("/nightly").setPreviousVersion(2)));
    assertTrue(state.job("/nightly").isEmpty());
    assertEquals("job_not_found", refused(fired("/nightly", 60_000)).code());
  }

  @Test
  void everyInstantFiresAtMostOnce() {
    apply(created("/j"));
    apply(fired("/j", 60_000));
    assertEquals(60_000, job("/j").getLastScheduledMs());
    assertEquals("run_already_fired", refused(fired("/j", 60_000)).code(), "the same instant again");
    assertEquals("run_already_fired", refused(fired("/j", 30_000)).code(), "an older instant");
    assertEquals("run_already_fired", refused(missed("/j", 60_000)).code(), "fired instants are not also missed");
    apply(missed("/j", 120_000));
    assertEquals("run_already_fired", refused(fired("/j", 120_000)).code(), "missed instants do not fire later");
    apply(fired("/j", 180_000));
    assertEquals(2, job("/j").getActiveCount());
    // a manual run does not move the schedule and needs a fresh run id
    apply(Event.newBuilder().setJobRunFired(JobRunFired.newBuilder().setJobId("/j").setRunId("manual-1").setManual(true)
        .setScheduledMs(100)));
    assertEquals(180_000, job("/j").getLastScheduledMs());
    assertEquals("run_exists", refused(Event.newBuilder().setJobRunFired(JobRunFired.newBuilder().setJobId("/j")
        .setRunId("manual-1").setManual(true))).code());
  }

  @Test
  void aRunStartsWithItsTaskAndEndsInHistory() {
    apply(created("/r"));
    apply(fired("/r", 60_000));
    String run = "/r@60000";
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId("r.1").setAppId("/r").setRunId(run)
        .setAgentId("a").setHostname("h")));
    assertEquals(RunState.RUN_STARTED, job("/r").getActive(0).getState());
    assertEquals(1, job("/r").getActive(0).getAttempts());
    assertEquals(run, state.task("r.1").orElseThrow().runId());
    // a retry is a second task for the same run
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId("r.1").setState(TaskState.TASK_FAILED)));
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId("r.2").setAppId("/r").setRunId(run)
        .setAgentId("a").setHostname("h")));
    assertEquals(2, job("/r").getActive(0).getAttempts());
    assertEquals("r.2", job("/r").getActive(0).getTaskId());
    apply(finished("/r", run, RunState.RUN_FINISHED, 0));
    assertEquals(0, job("/r").getActiveCount());
    assertEquals(RunState.RUN_FINISHED, job("/r").getHistory(0).getState());
    assertEquals("run_not_active", refused(finished("/r", run, RunState.RUN_FAILED, 1)).code());
  }

  @Test
  void historyIsCappedAndSnapshotsKeepJobs() {
    apply(created("/h"));
    for (int i = 1; i <= 5; i++) apply(missed("/h", i * 60_000L));
    assertEquals(3, job("/h").getHistoryCount(), "history limit 3");
    assertEquals(5 * 60_000L, job("/h").getHistory(2).getScheduledMs());
    State copy = State.restore(state.snapshot());
    assertEquals(state.hash(), copy.hash());
    assertEquals(job("/h"), copy.job("/h").orElseThrow());
  }

  @Test
  void aProposalMayTouchOneJobOnce() {
    apply(created("/p"));
    Problem p = assertThrows(Problem.Failure.class, () -> apply(fired("/p", 60_000), fired("/p", 120_000))).problem();
    assertEquals("proposal_invalid", p.code());
  }

  @Test
  void aRunRemembersItsTaskSoTheNextLeaderCanDecide() {
    apply(created("/j"));
    assertEquals(0, state.jobsWithActiveRuns().size());
    apply(fired("/j", 60_000));
    assertEquals(1, state.jobsWithActiveRuns().size());
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId("t1").setAppId("/j").setAgentId("a")
        .setRunId("/j@60000")));
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId("t1").setState(TaskState.TASK_RUNNING)));
    assertTrue(state.job("/j").orElseThrow().getActive(0).getTaskStarted());
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId("t1").setState(TaskState.TASK_FAILED)
        .setExitCode(7).setMessage("exit 7")));
    var run = state.job("/j").orElseThrow().getActive(0);
    assertEquals(TaskState.TASK_FAILED, run.getTaskState());
    assertEquals(7, run.getExitCode());
    assertTrue(run.getTaskEndedMs() > 0);
    assertTrue(state.task("t1").isEmpty(), "the task itself is gone");
    // a retry starts a fresh attempt: the previous task's outcome is cleared
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId("t2").setAppId("/j").setAgentId("a")
        .setRunId("/j@60000")));
    run = state.job("/j").orElseThrow().getActive(0);
    assertEquals(2, run.getAttempts());
    assertEquals(TaskState.TASK_STAGING, run.getTaskState());
    assertEquals(0, run.getTaskEndedMs());
    apply(finished("/j", "/j@60000", RunState.RUN_FINISHED, 0));
    assertEquals(0, state.jobsWithActiveRuns().size(), "an ended run leaves the busy index");
  }

  @Test
  void planningRestartsFromCreationScheduleChangesAndResume() {
    apply(created("/p"));
    long createdAt = state.job("/p").orElseThrow().getPlanFromMs();
    assertTrue(createdAt > 0);
    JobSpec spec = state.job("/p").orElseThrow().getSpec();
    apply(Event.newBuilder().setJobUpdated(JobUpdated.newBuilder().setPreviousVersion(1)
        .setSpec(spec.toBuilder().setVersion(2).setCmd("other"))));
    assertEquals(createdAt, state.job("/p").orElseThrow().getPlanFromMs(), "a new command does not replan");
    apply(Event.newBuilder().setJobUpdated(JobUpdated.newBuilder().setPreviousVersion(2)
        .setSpec(spec.toBuilder().setVersion(3).setSuspended(true))));
    long suspendedAt = state.job("/p").orElseThrow().getPlanFromMs();
    assertEquals(createdAt, suspendedAt, "suspending does not replan");
    apply(Event.newBuilder().setJobUpdated(JobUpdated.newBuilder().setPreviousVersion(3)
        .setSpec(spec.toBuilder().setVersion(4).setSuspended(false))));
    assertTrue(state.job("/p").orElseThrow().getPlanFromMs() > createdAt, "resuming plans from the resume");
  }

  @Test
  void appsAndJobsShareOneIdSpace() {
    apply(created("/same"));
    Problem p = refused(Event.newBuilder().setAppCreated(io.upone.core.proto.AppCreated.newBuilder()
        .setSpec(io.upone.core.proto.AppSpec.newBuilder().setId("/same").setVersion(1))));
    assertEquals("id_taken_by_job", p.code());
    apply(Event.newBuilder().setAppCreated(io.upone.core.proto.AppCreated.newBuilder()
        .setSpec(io.upone.core.proto.AppSpec.newBuilder().setId("/app").setVersion(1))));
    assertEquals("id_taken_by_app", refused(created("/app")).code());
  }
}
