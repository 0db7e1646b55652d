package io.upone.core.state;

import io.upone.core.proto.TaskRecord;
import io.upone.core.proto.TaskState;

/**
 * A task as the projection knows it. Immutable: a status change replaces the object, so readers
 * on other threads always see a consistent task. Kept small: 100,000 tasks must fit in ~200 MiB.
 */
public final class Task {
  private final String id;
  private final String appId;
  private final long appVersion;
  private final String agentId;
  private final String hostname;
  private final int[] hostPorts;
  private final TaskState state;
  private final String message;
  private final int exitCode;
  private final byte health; // 0 unknown, 1 healthy, 2 unhealthy
  private final boolean ready; // its app's readiness checks passed (once)
  private final long launchedAtMs;
  private final long updatedAtMs;
  private final long runningAtMs;
  private final String runId;

  Task(String id, String appId, long appVersion, String agentId, String hostname, int[] hostPorts, TaskState state,
       String message, int exitCode, byte health, boolean ready, long launchedAtMs, long updatedAtMs, long runningAtMs,
       String runId) {
    this.id = id;
    this.appId = appId;
    this.appVersion = appVersion;
    this.agentId = agentId;
    this.hostname = hostname;
    this.hostPorts = hostPorts;
    this.state = state;
    this.message = message;
    this.exitCode = exitCode;
    this.health = health;
    this.ready = ready;
    this.launchedAtMs = launchedAtMs;
    this.updatedAtMs = updatedAtMs;
    this.runningAtMs = runningAtMs;
    this.runId = runId;
  }

  Task withStatus(TaskState newState, String newMessage, int newExitCode, byte newHealth, long atMs) {
    long running = runningAtMs == 0 && newState == TaskState.TASK_RUNNING ? atMs : runningAtMs;
    return new Task(id, appId, appVersion, agentId, hostname, hostPorts, newState, newMessage, newExitCode, newHealth,
        ready, launchedAtMs, atMs, running, runId);
  }

  Task asReady(long atMs) {
    return new Task(id, appId, appVersion, agentId, hostname, hostPorts, state, message, exitCode, health, true,
        launchedAtMs, atMs, runningAtMs, runId);
  }

  public String id() { return id; }
  public String appId() { return appId; }
  public long appVersion() { return appVersion; }
  public String agentId() { return agentId; }
  public String hostname() { return hostname; }
  public int[] hostPorts() { return hostPorts.clone(); }
  public TaskState state() { return state; }
  public String message() { return message; }
  public int exitCode() { return exitCode; }
  /** True, false, or null when no health check has reported. */
  public Boolean healthy() { return health == 0 ? null : health == 1; }
  /** Whether its app's readiness checks passed; an app without readiness checks does not need it. */
  public boolean ready() { return ready; }
  public long launchedAtMs() { return launchedAtMs; }
  public long updatedAtMs() { return updatedAtMs; }
  public long runningAtMs() { return runningAtMs; }
  /** The job run this task executes, or "" for an app's task. */
  public String runId() { return runId; }

  public static boolean isTerminal(TaskState s) {
    return switch (s) {
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_GONE, TASK_DROPPED -> true;
      default -> false;
    };
  }

  TaskRecord toRecord() {
    TaskRecord.Builder b = TaskRecord.newBuilder()
        .setTaskId(id).setAppId(appId).setAppVersion(appVersion).setAgentId(agentId).setHostname(hostname)
        .setState(state).setMessage(message).setExitCode(exitCode)
        .setHasHealth(health != 0).setHealthy(health == 1).setReady(ready)
        .setLaunchedAtMs(launchedAtMs).setUpdatedAtMs(updatedAtMs).setRunningAtMs(runningAtMs).setRunId(runId);
    for (int p : hostPorts) b.addHostPorts(p);
    return b.build();
  }
}
