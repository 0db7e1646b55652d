package io.upone.agent;

import io.upone.agent.exec.Executor;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** One task on this agent. Touched on the agent's event loop only. */
final class AgentTask {
  final TaskLaunch launch;
  final Path sandbox;
  volatile Executor.RunningTask running;
  volatile TaskState state = TaskState.TASK_STAGING;
  int exitCode;
  String message = "";
  String reason = "";
  boolean killRequested;
  /** Null until a health check has a verdict (or when the task has none). */
  Boolean healthy;
  HealthMonitor health;

  AgentTask(TaskLaunch launch, Path sandbox) {
    this.launch = launch;
    this.sandbox = sandbox;
  }

  TaskReport report(String agentId) {
    return new TaskReport(launch.taskId(), agentId, state, exitCode, message, reason, terminal() ? null : healthy);
  }

  boolean terminal() {
    return switch (state) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_GONE, TASK_DROPPED -> true;
      default -> false;
    };
  }

  /** The heartbeat line: status plus what the task holds, so a new leader can account for it. */
  JsonObject heartbeatJson(String agentId) {
    JsonObject j = Wire.report(report(agentId));
    j.put("appId", launch.appId()).put("cpus", launch.cpus()).put("mem", launch.mem()).put("disk", launch.disk())
        .put("hostPorts", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(launch.hostPorts())));
    if (running != null) j.put("pid", running.pid());
    return j;
  }
}
