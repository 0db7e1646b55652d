package io.upone.core.state;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppDeleted;
import io.upone.core.proto.AppScaled;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppUpdated;
import io.upone.core.proto.Event;
import io.upone.core.proto.FrameworkRegistered;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import java.util.List;

/** Builders for the events the projection consumes; timestamps are explicit, never a clock. */
final class Events {
  private Events() {}

  static AppSpec spec(String id, long version) {
    return AppSpec.newBuilder().setId(id).setCmd("sleep 1000").setCpus(0.5).setMem(64).setInstances(2)
        .setNetworkMode(NetworkMode.HOST).putEnv("K", "v").setVersion(version).build();
  }

  static Event created(String id, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setAppCreated(AppCreated.newBuilder().setSpec(spec(id, 1))).build();
  }

  static Event created(AppSpec spec, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setAppCreated(AppCreated.newBuilder().setSpec(spec)).build();
  }

  static Event updated(AppSpec spec, long previousVersion, long ts) {
    return Event.newBuilder().setTimestampMs(ts)
        .setAppUpdated(AppUpdated.newBuilder().setSpec(spec).setPreviousVersion(previousVersion)).build();
  }

  static Event scaled(String id, int instances, long previousVersion, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setAppScaled(
        AppScaled.newBuilder().setAppId(id).setInstances(instances).setPreviousVersion(previousVersion)).build();
  }

  static Event deleted(String id, long previousVersion, long ts) {
    return Event.newBuilder().setTimestampMs(ts)
        .setAppDeleted(AppDeleted.newBuilder().setAppId(id).setPreviousVersion(previousVersion)).build();
  }

  static Event launched(String taskId, String appId, long appVersion, String agent, String host, long ts,
                        int... ports) {
    TaskLaunched.Builder b = TaskLaunched.newBuilder().setTaskId(taskId).setAppId(appId).setAppVersion(appVersion)
        .setAgentId(agent).setHostname(host);
    for (int p : ports) b.addHostPorts(p);
    return Event.newBuilder().setTimestampMs(ts).setTaskLaunched(b).build();
  }

  static Event status(String taskId, TaskState state, long ts) {
    return Event.newBuilder().setTimestampMs(ts)
        .setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(taskId).setState(state)).build();
  }

  static Event status(String taskId, TaskState state, boolean healthy, String message, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setTaskStatusChanged(TaskStatusChanged.newBuilder()
        .setTaskId(taskId).setState(state).setHasHealth(true).setHealthy(healthy).setMessage(message)).build();
  }

  static Event framework(String id, String master, long ts) {
    return Event.newBuilder().setTimestampMs(ts)
        .setFrameworkRegistered(FrameworkRegistered.newBuilder().setFrameworkId(id).setMaster(master)).build();
  }

  static Event member(String raft, String http, long ts) {
    return Event.newBuilder().setTimestampMs(ts).setMemberAddressed(io.upone.core.proto.MemberAddressed.newBuilder()
        .setRaftEndpoint(raft).setHttpUrl(http)).build();
  }

  static Proposal proposal(Event... events) {
    return Proposal.newBuilder().addAllEvents(List.of(events)).build();
  }
}
