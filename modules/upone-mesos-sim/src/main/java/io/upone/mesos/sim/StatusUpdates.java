package io.upone.mesos.sim;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Status-update delivery as a Mesos agent's status update manager does it: a task's updates go
 * out one at a time, each with a uuid, resent with doubling backoff until acknowledged; the next
 * waits for the acknowledgement of the previous one. Updates the master itself sends (agent
 * loss, reconciliation, invalid launches) carry no uuid and are sent once.
 */
final class StatusUpdates {
  private final SimCluster cluster;
  private final EventStreams streams;
  private final Set<SimTask> awaitingAck = new HashSet<>();

  StatusUpdates(SimCluster cluster, EventStreams streams) {
    this.cluster = cluster;
    this.streams = streams;
  }

  /** The agent reports a new state: it is queued (with a uuid) behind unacknowledged ones. */
  void transition(SimFramework f, SimTask t, TaskState st, TaskStatus.Reason reason, String message) {
    t.state = st;
    if (SimTask.isTerminal(st)) releaseResources(t);
    TaskStatus s = status(t.id, t.agentId, st, reason, TaskStatus.Source.SOURCE_EXECUTOR, message, true);
    t.statuses.add(s);
    t.queue.add(s);
    deliverNext(f, t);
  }

  /** The master itself changes a known task's state (its agent is lost...) and tells the framework once. */
  void masterTransition(SimFramework f, SimTask t, TaskState st, TaskStatus.Reason reason, String message) {
    TaskStatus s = status(t.id, t.agentId, st, reason, TaskStatus.Source.SOURCE_MASTER, message, false);
    t.state = st;
    t.statuses.add(s);
    streams.send(f, update(s));
  }

  /** The master changes a task's state without telling anyone (its framework is gone). */
  void record(SimTask t, TaskState st, String message) {
    t.state = st;
    t.statuses.add(status(t.id, t.agentId, st, null, TaskStatus.Source.SOURCE_MASTER, message, false));
  }

  /** A status from the master, sent once without a uuid. */
  void sendFromMaster(SimFramework f, String taskId, String agentId, TaskState st, TaskStatus.Reason reason,
                      String message) {
    streams.send(f, update(status(taskId, agentId, st, reason, TaskStatus.Source.SOURCE_MASTER, message, false)));
  }

  void deliverNext(SimFramework f, SimTask t) {
    if (t.inFlight != null || t.queue.isEmpty() || !f.connected) return;
    t.inFlight = t.queue.poll();
    t.retryMs = cluster.options.updateRetryMs();
    t.resendAtMs = System.currentTimeMillis() + t.retryMs;
    awaitingAck.add(t);
    streams.send(f, update(t.inFlight));
  }

  /** A new subscription stream: the update in flight goes again, or the next one queued. */
  void redeliver(SimFramework f) {
    for (SimTask t : f.tasks.values()) {
      if (t.inFlight != null) {
        streams.send(f, update(t.inFlight));
        t.resendAtMs = System.currentTimeMillis() + t.retryMs;
      } else {
        deliverNext(f, t);
      }
    }
  }

  /** Periodic: resends every update whose acknowledgement is overdue, doubling its backoff up to 10 minutes. */
  void resendUnacknowledged() {
    long now = System.currentTimeMillis();
    for (SimTask t : awaitingAck) {
      if (t.inFlight == null || now < t.resendAtMs) continue;
      SimFramework f = cluster.frameworkOf(t);
      if (f == null || !f.connected) continue;
      cluster.updatesResent.incrementAndGet();
      streams.send(f, update(t.inFlight));
      t.retryMs = Math.min(t.retryMs * 2, 600_000);
      t.resendAtMs = now + t.retryMs;
    }
  }

  void acknowledge(SimFramework f, Call.Acknowledge a) {
    SimTask t = f.tasks.get(a.getTaskId().getValue());
    if (t == null || !t.sameUuid(a.getUuid())) return; // a late or duplicate ACK: the agent ignores it
    t.inFlight = null;
    awaitingAck.remove(t);
    if (t.queue.isEmpty() && t.terminal()) {
      f.tasks.remove(t.id); // the terminal update is acknowledged: the master forgets the task
      f.complete(t);
      return;
    }
    deliverNext(f, t);
  }

  /** Forgets a task's undelivered updates (its agent or framework is gone). */
  void dropPending(SimTask t) {
    t.queue.clear();
    t.inFlight = null;
    awaitingAck.remove(t);
  }

  /** Returns a task's resources to its agent, once. */
  void releaseResources(SimTask t) {
    if (t.released) return;
    t.released = true;
    SimAgent a = cluster.agents.get(t.agentId);
    if (a != null) a.release(t.cpus, t.mem, t.disk, t.ports);
  }

  static TaskStatus status(String taskId, String agentId, TaskState st, TaskStatus.Reason reason,
                           TaskStatus.Source source, String message, boolean needsAck) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(taskId))
        .setState(st).setSource(source).setTimestamp(System.currentTimeMillis() / 1000.0);
    if (agentId != null && !agentId.isEmpty()) s.setAgentId(Protos.AgentID.newBuilder().setValue(agentId));
    if (reason != null) s.setReason(reason);
    if (message != null && !message.isEmpty()) s.setMessage(message);
    if (needsAck) {
      UUID u = UUID.randomUUID();
      s.setUuid(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits()).array()));
    }
    return s.build();
  }

  static Event update(TaskStatus s) {
    return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(s)).build();
  }
}
