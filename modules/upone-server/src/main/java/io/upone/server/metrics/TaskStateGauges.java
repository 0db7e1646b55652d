package io.upone.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.upone.core.proto.TaskState;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code upone_tasks_by_state{state}}: live tasks of the projection per state. One scrape reads
 * every gauge; the counts are taken once per scrape (at most once a second), not once per state.
 */
public final class TaskStateGauges {
  private final EventLog log;
  private Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
  private long countedAtMs = -1;

  private TaskStateGauges(EventLog log) {
    this.log = log;
  }

  public static void register(EventLog log, MeterRegistry registry) {
    TaskStateGauges g = new TaskStateGauges(log);
    for (TaskState s : TaskState.values()) {
      if (s == TaskState.UNRECOGNIZED || s == TaskState.TASK_STATE_UNSPECIFIED) continue;
      Gauge.builder("upone_tasks_by_state", g, x -> x.count(s)).tag("state", s.name()).strongReference(true)
          .description("live tasks in the projection, by state").register(registry);
    }
  }

  private synchronized double count(TaskState s) {
    long now = System.currentTimeMillis();
    if (countedAtMs < 0 || now - countedAtMs >= 1000) {
      Map<TaskState, Integer> fresh = new EnumMap<>(TaskState.class);
      for (Task t : log.view().tasks()) fresh.merge(t.state(), 1, Integer::sum);
      counts = fresh;
      countedAtMs = now;
    }
    return counts.getOrDefault(s, 0);
  }
}
