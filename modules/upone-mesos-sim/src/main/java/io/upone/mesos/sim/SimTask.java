package io.upone.mesos.sim;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;

/**
 * A task the simulated master runs. Its status updates go out in order, one at a time, each
 * resent with backoff until acknowledged, as a Mesos agent's status update manager does.
 */
final class SimTask {
  final String id;
  final String agentId;
  final String frameworkId;
  final double cpus;
  final double mem;
  final double disk;
  final List<Integer> ports;
  final Protos.TaskInfo info;
  Protos.TaskState state = Protos.TaskState.TASK_STAGING;
  /** Statuses waiting to be delivered after the one in flight is acknowledged. */
  final ArrayDeque<Protos.TaskStatus> queue = new ArrayDeque<>();
  Protos.TaskStatus inFlight;
  final long launchedAtMs = System.currentTimeMillis();
  /** Every status the task had, oldest first (the state endpoint's {@code statuses}). */
  final List<Protos.TaskStatus> statuses = new ArrayList<>();
  long resendAtMs;
  long retryMs;
  /** Resources are returned once; an unreachable task's were returned when its agent went away. */
  boolean released;

  SimTask(String id, String agentId, String frameworkId, double cpus, double mem, double disk, List<Integer> ports,
          Protos.TaskInfo info) {
    this.id = id;
    this.agentId = agentId;
    this.frameworkId = frameworkId;
    this.cpus = cpus;
    this.mem = mem;
    this.disk = disk;
    this.ports = List.copyOf(ports);
    this.info = info;
  }

  boolean terminal() {
    return isTerminal(state);
  }

  static boolean isTerminal(Protos.TaskState s) {
    return switch (s) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
          TASK_GONE_BY_OPERATOR -> true;
      default -> false;
    };
  }

  boolean sameUuid(ByteString uuid) {
    return inFlight != null && inFlight.getUuid().equals(uuid);
  }

  /** The label {@code sim.end = STATE:ms}: end this way that long after RUNNING (scripted FINISHED/FAILED). */
  String scriptedEnd() {
    for (Protos.Label l : info.getLabels().getLabelsList()) if (l.getKey().equals("sim.end")) return l.getValue();
    return null;
  }
}
