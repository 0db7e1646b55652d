package io.upone.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' workloads, checked small and without raft (well under a second): every event
 * applies, and the counts the benchmarks rely on hold. The benchmarks themselves are mains.
 */
class WorkloadTest {
  @Test
  void recoveryWorkloadHasTheAdvertisedShapeAndEveryEventApplies() {
    RecoveryWorkload w = new RecoveryWorkload(10, 2_500);
    assertEquals(10 + 2_500 * 10 - 10, w.total());
    State s = new State();
    long n = 0;
    while (w.hasNext()) {
      Event e = w.next();
      s.applyProposal(Proposal.newBuilder().addEvents(e).build(), ++n, 1);
    }
    assertEquals(w.total(), s.lastEventIndex());
    assertEquals(10, s.appCount());
    assertEquals(2_500, s.taskCount());
    s.tasks().forEach(t -> assertEquals(TaskState.TASK_RUNNING, t.state()));
    assertEquals(1_000_000, RecoveryWorkload.totalEvents(100, 100_000));
  }

  @Test
  void appendStreamKeepsTheClusterSize() {
    State s = new State();
    long n = 0;
    for (long t = -AppendThroughputBench.LIVE_TASKS; t < 0; t++) {
      s.applyProposal(Proposal.newBuilder().addEvents(AppendThroughputBench.launched(t, 1)).build(), ++n, 1);
    }
    for (long slot = 0; slot < 30_000; slot++) {
      s.applyProposal(Proposal.newBuilder().addEvents(AppendThroughputBench.streamEvent(slot)).build(), ++n, 1);
    }
    assertEquals(AppendThroughputBench.LIVE_TASKS, s.taskCount());
    assertEquals(TaskState.TASK_RUNNING, s.task(AppendThroughputBench.taskId(9_000)).orElseThrow().state());
  }
}
