package io.upone.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A view is the state as it was when taken: whatever the writer applies afterwards, it reads the same. */
class StateViewTest {
  private final State writer = new State();
  private long entry;

  private void apply(Event... events) {
    writer.applyProposal(Events.proposal(events), ++entry, 1);
  }

  private static Event job(String id) {
    return Event.newBuilder().setTimestampMs(1).setJobCreated(JobCreated.newBuilder().setSpec(JobSpec.newBuilder()
        .setId(id).setSchedule("* * * * *").setCmd("true").setCpus(0.1).setMem(16).setRetries(1).setVersion(1))).build();
  }

  @Test
  void aViewTakenBeforeAMultiEventProposalSeesNoneOfIt() {
    apply(Events.created("/web", 1), job("/cron"));
    apply(Event.newBuilder().setTimestampMs(2).setJobRunFired(JobRunFired.newBuilder().setJobId("/cron")
        .setRunId("r1").setScheduledMs(60_000)).build());
    apply(Event.newBuilder().setTimestampMs(3).setTaskLaunched(TaskLaunched.newBuilder().setTaskId("/cron.1")
        .setAppId("/cron").setAgentId("a1").setHostname("h1").setRunId("r1")).build(),
        Events.launched("/web.1", "/web", 1, "a1", "h1", 3, 31000));
    apply(Events.status("/cron.1", TaskState.TASK_RUNNING, 4), Events.status("/web.1", TaskState.TASK_RUNNING, 4));
    State before = writer.view();
    String hashBefore = before.hash();

    // one proposal: the run's task ends, the web app scales and loses its task, a framework registers
    apply(Events.status("/cron.1", TaskState.TASK_FINISHED, 5), Events.scaled("/web", 5, 1, 5),
        Events.status("/web.1", TaskState.TASK_KILLED, 5), Events.framework("fw-1", "m", 5));

    // the old view: the run's task is alive and RUNNING, exactly as its run says
    assertEquals(hashBefore, before.hash());
    assertTrue(before.task("/cron.1").isPresent());
    assertEquals(TaskState.TASK_RUNNING, before.job("/cron").orElseThrow().getActive(0).getTaskState());
    assertEquals(2, before.app("/web").orElseThrow().getInstances());
    assertEquals(1, before.tasksOf("/web").size());
    assertEquals(2, before.taskCount());
    assertEquals(List.of("/cron"), before.jobsWithActiveRuns().stream().map(r -> r.getSpec().getId()).toList());
    assertEquals("", before.frameworkId());
    assertEquals(7, before.lastEventIndex());

    // the new view: all of it
    State after = writer.view();
    assertNotEquals(hashBefore, after.hash());
    assertTrue(after.task("/cron.1").isEmpty());
    assertEquals(TaskState.TASK_FINISHED, after.job("/cron").orElseThrow().getActive(0).getTaskState());
    assertEquals(RunState.RUN_STARTED, after.job("/cron").orElseThrow().getActive(0).getState());
    assertEquals(5, after.app("/web").orElseThrow().getInstances());
    assertEquals(0, after.tasksOf("/web").size());
    assertEquals("fw-1", after.frameworkId());
    assertEquals(after.hash(), writer.hash());
  }

  @Test
  void aViewIsReadOnlyAndItsOwnView() {
    apply(Events.created("/web", 1));
    State v = writer.view();
    assertSame(v, v.view());
    assertTrue(v.isView());
    assertThrows(IllegalStateException.class, () -> v.applyProposal(Events.proposal(Events.created("/x", 1)), 9, 1));
    assertEquals(1, v.appCount());
  }
}
