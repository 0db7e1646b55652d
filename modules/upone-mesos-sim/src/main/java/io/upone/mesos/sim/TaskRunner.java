package io.upone.mesos.sim;

import io.upone.mesos.sim.SimFramework.SimOffer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the simulated agents do with tasks: {@code ACCEPT} with {@code LAUNCH} (Mesos's offer and
 * task validation, reduced to what a simulated agent can check), STAGING → STARTING → RUNNING
 * after the start delay, scripted ends ({@code sim.end} label), {@code KILL} and {@code SHUTDOWN}.
 * Tasks are bookkeeping, not processes.
 */
final class TaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
  private final SimCluster cluster;
  private final StatusUpdates updates;
  private final Allocator allocator;
  private final Vertx vertx;

  TaskRunner(SimCluster cluster, StatusUpdates updates, Allocator allocator, Vertx vertx) {
    this.cluster = cluster;
    this.updates = updates;
    this.allocator = allocator;
    this.vertx = vertx;
  }

  void accept(SimFramework f, Call.Accept a) {
    List<SimOffer> used = new ArrayList<>();
    String invalid = a.getOfferIdsCount() == 0 ? "No offers specified" : null;
    for (Protos.OfferID id : a.getOfferIdsList()) {
      SimOffer o = f.offers.get(id.getValue());
      if (o == null) {
        invalid = "Offer " + id.getValue() + " is no longer valid";
      } else {
        if (!used.isEmpty() && !used.get(0).agentId().equals(o.agentId())) {
          invalid = "Aggregated offers must belong to one single agent";
        }
        used.add(o);
      }
    }
    if (invalid != null) {
      dropLaunches(f, a, used, invalid);
      return;
    }
    SimAgent agent = cluster.agents.get(used.get(0).agentId());
    double[] left = new double[3];
    for (SimOffer o : used) {
      left[0] += o.cpus();
      left[1] += o.mem();
      left[2] += o.disk();
      allocator.release(f, o);
    }
    List<SimTask> launched = new ArrayList<>();
    for (Protos.Offer.Operation op : a.getOperationsList()) {
      if (op.getType() != Protos.Offer.Operation.Type.LAUNCH) {
        LOG.debug("operation {} is not simulated; ignored", op.getType());
        continue;
      }
      for (Protos.TaskInfo ti : op.getLaunch().getTaskInfosList()) {
        SimTask t = launch(f, agent, ti, left);
        if (t != null) launched.add(t);
      }
    }
    double refuse = a.getFilters().hasRefuseSeconds() ? a.getFilters().getRefuseSeconds() : Allocator.DEFAULT_REFUSE_SECONDS;
    if (left[0] > 0 || left[1] > 0) allocator.refuse(f, agent.id, refuse, left[0], left[1], left[2]);
    if (!launched.isEmpty()) vertx.setTimer(Math.max(1, cluster.options.startDelayMs()), id -> start(f, launched));
  }

  /** Invalid offers: the offers given are released and every task to launch is dropped (LOST when not partition-aware). */
  private void dropLaunches(SimFramework f, Call.Accept a, List<SimOffer> used, String invalid) {
    for (SimOffer o : used) allocator.release(f, o);
    TaskState st = f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (Protos.Offer.Operation op : a.getOperationsList()) {
      if (op.getType() != Protos.Offer.Operation.Type.LAUNCH) continue;
      for (Protos.TaskInfo ti : op.getLaunch().getTaskInfosList()) {
        updates.sendFromMaster(f, ti.getTaskId().getValue(), ti.getAgentId().getValue(), st,
            TaskStatus.Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + invalid);
      }
    }
  }

  /** Validates one task against what is left of the offers ({@code left}: cpus, mem, disk; reduced when it fits). */
  private SimTask launch(SimFramework f, SimAgent agent, Protos.TaskInfo ti, double[] left) {
    double[] need = new double[3];
    List<Integer> ports = new ArrayList<>();
    String error = checkTask(f, agent, ti, need, ports, left);
    if (error != null) {
      updates.sendFromMaster(f, ti.getTaskId().getValue(), agent.id, TaskState.TASK_ERROR,
          TaskStatus.Reason.REASON_TASK_INVALID, error);
      return null;
    }
    for (int i = 0; i < 3; i++) left[i] -= need[i];
    SimTask t = new SimTask(ti.getTaskId().getValue(), agent.id, f.id, need[0], need[1], need[2], ports, ti);
    agent.hold(need[0], need[1], need[2], ports);
    f.tasks.put(t.id, t);
    return t;
  }

  private void start(SimFramework f, List<SimTask> launched) {
    for (SimTask t : launched) {
      if (t.state != TaskState.TASK_STAGING || !f.tasks.containsKey(t.id)) continue;
      updates.transition(f, t, TaskState.TASK_STARTING, null, "");
      updates.transition(f, t, TaskState.TASK_RUNNING, null, "");
      String end = t.scriptedEnd();
      if (end != null) scriptEnd(f, t, end);
    }
  }

  private void scriptEnd(SimFramework f, SimTask t, String script) {
    String[] parts = script.split(":", 2);
    TaskState st;
    long after;
    try {
      st = TaskState.valueOf(parts[0]);
      after = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
    } catch (IllegalArgumentException e) {
      LOG.warn("task {}: bad sim.end label '{}'", t.id, script);
      return;
    }
    vertx.setTimer(Math.max(1, after), id -> {
      if (!t.terminal() && f.tasks.get(t.id) == t) {
        end(f, t, st, st == TaskState.TASK_FAILED ? "Command exited with status 1" : "Command exited with status 0");
      }
    });
  }

  /** The task's process ends (FINISHED, FAILED, KILLED...). */
  void end(SimFramework f, SimTask t, TaskState st, String message) {
    updates.transition(f, t, st, st == TaskState.TASK_FAILED ? TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED : null,
        message);
  }

  /** Mesos's task validation, reduced to what a simulated agent can check; null when valid. */
  private static String checkTask(SimFramework f, SimAgent agent, Protos.TaskInfo ti, double[] need, List<Integer> ports,
                                  double[] left) {
    String id = ti.getTaskId().getValue();
    if (id.isEmpty()) return "Task ID must not be empty";
    if (f.tasks.containsKey(id)) return "Task has duplicate ID: " + id;
    if (!ti.getAgentId().getValue().equals(agent.id)) {
      return "Task uses agent " + ti.getAgentId().getValue() + " but the offers are of agent " + agent.id;
    }
    if (ti.hasCommand() == ti.hasExecutor()) {
      return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
    }
    for (Protos.Resource r : ti.getResourcesList()) {
      switch (r.getName()) {
        case "cpus" -> need[0] += r.getScalar().getValue();
        case "mem" -> need[1] += r.getScalar().getValue();
        case "disk" -> need[2] += r.getScalar().getValue();
        case "ports" -> {
          for (Protos.Value.Range range : r.getRanges().getRangeList()) {
            for (long p = range.getBegin(); p <= range.getEnd(); p++) ports.add((int) p);
          }
        }
        default -> {
          return "Task uses resource '" + r.getName() + "' that the agent does not have";
        }
      }
    }
    if (need[0] <= 0 && need[1] <= 0) return "Task uses no resources";
    if (need[0] > left[0] + 1e-6 || need[1] > left[1] + 1e-6 || need[2] > left[2] + 1e-6) {
      return "Task uses more resources than the offers hold: cpus " + need[0] + "/" + SimAgent.round(left[0])
          + ", mem " + need[1] + "/" + SimAgent.round(left[1]) + ", disk " + need[2] + "/" + SimAgent.round(left[2]);
    }
    Set<Integer> seen = new HashSet<>();
    for (int p : ports) {
      if (!agent.portFree(p) || !seen.add(p)) return "Task uses port " + p + " that the offers do not hold";
    }
    return null;
  }

  void kill(SimFramework f, Call.Kill k) {
    String id = k.getTaskId().getValue();
    SimTask t = f.tasks.get(id);
    if (t == null) {
      SimTask u = f.unreachable.remove(id);
      if (u != null) {
        // Mesos gives up on an unreachable task the framework kills
        f.complete(u);
        updates.masterTransition(f, u, TaskState.TASK_LOST, TaskStatus.Reason.REASON_AGENT_REMOVED,
            "Task was killed while its agent was unreachable");
        return;
      }
      updates.sendFromMaster(f, id, k.getAgentId().getValue(), TaskState.TASK_LOST, TaskStatus.Reason.REASON_RECONCILIATION,
          "Attempted to kill an unknown task");
      return;
    }
    if (t.terminal()) return;
    if (f.has(Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE) && t.state == TaskState.TASK_RUNNING) {
      updates.transition(f, t, TaskState.TASK_KILLING, null, "");
    }
    updates.transition(f, t, TaskState.TASK_KILLED, null, "Command terminated with signal Terminated");
  }

  void shutdown(SimFramework f, Call.Shutdown s) {
    String executor = s.getExecutorId().getValue();
    for (SimTask t : new ArrayList<>(f.tasks.values())) {
      if (!t.terminal() && executorOf(t).equals(executor)) {
        updates.transition(f, t, TaskState.TASK_KILLED, null, "executor shut down");
      }
    }
  }

  private static String executorOf(SimTask t) {
    return t.info.hasExecutor() ? t.info.getExecutor().getExecutorId().getValue() : t.id;
  }
}
