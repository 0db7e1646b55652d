package io.upone.server;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.eventlog.EventLog;
import java.util.concurrent.TimeUnit;

/** Events for bridge tests, written straight to the log: status changes of tasks nobody knows (no side effects). */
final class BridgeEvents {
  private BridgeEvents() {}

  /** Appends {@code count} events in one proposal, each with a message of {@code messageBytes}; returns the last index. */
  static long append(EventLog leader, int count, int messageBytes) throws Exception {
    String message = "x".repeat(messageBytes);
    Proposal.Builder p = Proposal.newBuilder();
    for (int i = 0; i < count; i++) {
      p.addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis()).setTaskStatusChanged(
          TaskStatusChanged.newBuilder().setTaskId("bridge-test.nobody-" + i).setState(TaskState.TASK_RUNNING).setMessage(message)));
    }
    var events = leader.append(p.build()).get(60, TimeUnit.SECONDS);
    return events.get(events.size() - 1).getIndex();
  }
}
