package io.upone.mesos.sim;

import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * {@code RECONCILE} as the Mesos master answers it: implicit (every task the framework has) and
 * explicit (the named tasks; unknown ones by what the master knows of their agent), each with
 * {@code REASON_RECONCILIATION}, from the master, without a uuid.
 */
final class Reconciliation {
  private final SimCluster cluster;
  private final StatusUpdates updates;

  Reconciliation(SimCluster cluster, StatusUpdates updates) {
    this.cluster = cluster;
    this.updates = updates;
  }

  void reconcile(SimFramework f, Call.Reconcile r) {
    if (r.getTasksCount() == 0) {
      for (SimTask t : f.tasks.values()) latest(f, t, t.state);
      for (SimTask t : f.unreachable.values()) latest(f, t, TaskState.TASK_UNREACHABLE);
      return;
    }
    for (Call.Reconcile.Task rt : r.getTasksList()) {
      String id = rt.getTaskId().getValue();
      SimTask t = f.tasks.get(id);
      if (t != null) {
        latest(f, t, t.state);
        continue;
      }
      SimTask u = f.unreachable.get(id);
      if (u != null) {
        latest(f, u, TaskState.TASK_UNREACHABLE);
        continue;
      }
      updates.sendFromMaster(f, id, rt.getAgentId().getValue(), unknownTaskState(f, rt.getAgentId().getValue()),
          TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: task is unknown");
    }
  }

  /** A task the master does not know: what its agent's fate says, LOST for frameworks that are not partition-aware. */
  private TaskState unknownTaskState(SimFramework f, String agentId) {
    SimAgent a = cluster.agents.get(agentId);
    if (!f.partitionAware()) return TaskState.TASK_LOST;
    if (a != null && a.health == SimAgent.Health.GONE) return TaskState.TASK_GONE_BY_OPERATOR;
    if (a != null && a.health == SimAgent.Health.UNREACHABLE) return TaskState.TASK_UNREACHABLE;
    return TaskState.TASK_UNKNOWN;
  }

  private void latest(SimFramework f, SimTask t, TaskState st) {
    updates.sendFromMaster(f, t.id, t.agentId, st, TaskStatus.Reason.REASON_RECONCILIATION,
        "Reconciliation: latest task status");
  }
}
