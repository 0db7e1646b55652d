package io.upone.eventlog;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

final class TestEvents {
  private TestEvents() {}

  static Proposal app(String id, long ts) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(ts).setAppCreated(
        AppCreated.newBuilder().setSpec(AppSpec.newBuilder().setId(id).setCmd("sleep 1000").setCpus(0.1).setMem(32)
            .setInstances(1).setVersion(1)))).build();
  }

  static Proposal launch(String task, String app, long ts) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(ts).setTaskLaunched(
        TaskLaunched.newBuilder().setTaskId(task).setAppId(app).setAppVersion(1).setAgentId("agent-1")
            .setHostname("127.0.0.1").addHostPorts(31000))).build();
  }

  static Proposal running(String task, long ts) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(ts).setTaskStatusChanged(
        TaskStatusChanged.newBuilder().setTaskId(task).setState(TaskState.TASK_RUNNING))).build();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls until the condition holds or the deadline passes. */
  static void await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
    io.upone.core.testing.Poll.until(what, timeout, cond);
  }
}
