package io.upone.bench;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The history the recovery benchmark writes, in log order: {@code apps} AppCreated, then the
 * tasks in waves of 1,000 as a scheduler would see them (every task of the wave launched, then
 * all STARTING, all RUNNING, then seven rounds of health reports). Ten events per task, except
 * that the first {@code apps} tasks miss their last health report, so 100 apps and 100,000 tasks
 * give exactly 1,000,000 events. Every event applies (none has an unmet precondition).
 */
final class RecoveryWorkload implements Iterator<Event> {
  static final int EVENTS_PER_TASK = 10;
  static final int WAVE = 1_000;

  private final int apps;
  private final int tasks;
  private final long total;
  private long emitted;
  private int nextApp;
  private int nextWave;
  private final List<Event> buffer = new ArrayList<>();
  private int bufferPos;

  RecoveryWorkload(int apps, int tasks) {
    this.apps = apps;
    this.tasks = tasks;
    this.total = totalEvents(apps, tasks);
  }

  static long totalEvents(int apps, int tasks) {
    return apps + (long) tasks * EVENTS_PER_TASK - Math.min(apps, tasks);
  }

  long total() {
    return total;
  }

  @Override
  public boolean hasNext() {
    return emitted < total;
  }

  @Override
  public Event next() {
    if (!hasNext()) throw new NoSuchElementException();
    emitted++;
    if (nextApp < apps) return appCreated(nextApp++);
    if (bufferPos == buffer.size()) fillWave();
    return buffer.get(bufferPos++);
  }

  private void fillWave() {
    buffer.clear();
    bufferPos = 0;
    int from = nextWave * WAVE;
    int to = Math.min(tasks, from + WAVE);
    nextWave++;
    for (int phase = 0; phase < EVENTS_PER_TASK; phase++) {
      for (int t = from; t < to; t++) {
        if (phase == EVENTS_PER_TASK - 1 && t < apps) continue; // keeps the total a round number
        buffer.add(taskEvent(t, phase));
      }
    }
  }

  private long ts() {
    return 1_700_000_000_000L + emitted * 7;
  }

  static String appId(int app) {
    return "/bench/team-" + (app % 10) + "/service-" + app;
  }

  static String taskId(int t, int apps) {
    // Marathon's form: the app path with dots, a dot, a UUID
    int app = t % apps;
    long hi = 0x5f3a_0000_0000_0000L ^ ((long) t * 0x9E37_79B9_7F4A_7C15L);
    long lo = 0x8000_0000_0000_0000L | ((long) t * 0xC2B2_AE3D_27D4_EB4FL >>> 1);
    return "bench_team-" + (app % 10) + "_service-" + app + "." + new java.util.UUID(hi, lo);
  }

  private Event appCreated(int app) {
    AppSpec spec = AppSpec.newBuilder().setId(appId(app)).setCmd("exec ./service --port $PORT0").setCpus(0.5)
        .setMem(256).setInstances(tasks / Math.max(1, apps)).setNetworkMode(NetworkMode.HOST)
        .addPortDefinitions(PortDefinition.newBuilder().setPort(0).setName("http"))
        .putEnv("ENV", "bench").putLabels("team", "team-" + (app % 10))
        .addHealthChecks(HealthCheck.newBuilder().setProtocol("HTTP").setPath("/health").setPortIndex(0)
            .setIntervalSeconds(10).setTimeoutSeconds(5).setMaxConsecutiveFailures(3))
        .setVersion(1).build();
    return Event.newBuilder().setTimestampMs(ts()).setAppCreated(AppCreated.newBuilder().setSpec(spec)).build();
  }

  private Event taskEvent(int t, int phase) {
    Event.Builder e = Event.newBuilder().setTimestampMs(ts() + t);
    String id = taskId(t, apps);
    if (phase == 0) {
      int agent = t % 500;
      return e.setTaskLaunched(TaskLaunched.newBuilder().setTaskId(id).setAppId(appId(t % apps)).setAppVersion(1)
          .setAgentId("3f1c9a2e-71d4-4c8b-9e0f-5a6b7c8d9e0f-S" + agent)
          .setHostname("node-" + agent + ".dc1.example.com").addHostPorts(31000 + t % 1000)).build();
    }
    TaskStatusChanged.Builder s = TaskStatusChanged.newBuilder().setTaskId(id);
    switch (phase) {
      case 1 -> s.setState(TaskState.TASK_STARTING);
      case 2 -> s.setState(TaskState.TASK_RUNNING);
      default -> s.setState(TaskState.TASK_RUNNING).setHasHealth(true).setHealthy(phase != 5); // one bad check
    }
    return e.setTaskStatusChanged(s).build();
  }
}
