package io.upone.server.alerts;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What alerts say about a task (host, app, image, when created) after the projection has
 * forgotten it: the projection drops a task as soon as its end is applied, before the alert about
 * that end is derived. Kept on every member from the committed feed, so a new leader knows the
 * tasks it must describe; ended tasks are remembered for a while (the last {@code keepEnded}).
 */
final class TaskDirectory {
  /** @param endedBy the index of the event that ended the task; 0 while it lives */
  record Info(String appId, String agentId, String host, String image, long launchedAtMs, String runId, long endedBy) {}

  private final Map<String, Info> live = new HashMap<>();
  /** Apps, agents, hosts and images repeat across thousands of tasks: one copy of each. */
  private final Map<String, String> pool = new HashMap<>();
  private final LinkedHashMap<String, Info> ended;

  TaskDirectory(int keepEnded) {
    this.ended = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Info> eldest) {
        return size() > keepEnded;
      }
    };
  }

  /** Every live task of {@code s} (the feed delivers what follows; repeats are harmless). */
  void seed(State s) {
    for (Task t : s.tasks()) {
      live.putIfAbsent(t.id(), new Info(one(t.appId()), one(t.agentId()), one(t.hostname()),
          one(image(s, t.appId(), t.appVersion())), t.launchedAtMs(), t.runId(), 0));
    }
  }

  /** Follows one committed event; {@code s} is the projection now (at or after the event). */
  void onEvent(Event e, State s) {
    if (e.hasTaskLaunched()) {
      TaskLaunched l = e.getTaskLaunched();
      live.put(l.getTaskId(), new Info(one(l.getAppId()), one(l.getAgentId()), one(l.getHostname()),
          one(image(s, l.getAppId(), l.getAppVersion())), e.getTimestampMs(), l.getRunId(), 0));
    } else if (e.hasTaskStatusChanged() && Task.isTerminal(e.getTaskStatusChanged().getState())) {
      Info i = live.remove(e.getTaskStatusChanged().getTaskId());
      if (i != null) {
        ended.put(e.getTaskStatusChanged().getTaskId(), new Info(i.appId, i.agentId, i.host, i.image, i.launchedAtMs,
            i.runId, e.getIndex()));
      }
    }
  }

  private String one(String s) {
    if (pool.size() > 100_000) pool.clear(); // a bound, not a cache policy: what is in use is added again
    String have = pool.putIfAbsent(s, s);
    return have == null ? s : have;
  }

  Info find(String taskId) {
    Info i = live.get(taskId);
    return i != null ? i : ended.get(taskId);
  }

  int size() {
    return live.size() + ended.size();
  }

  /** The image of the app's version (or the job), or its command when it runs none. */
  static String image(State s, String appOrJobId, long version) {
    AppSpec app = s.appSpec(appOrJobId, version).or(() -> s.app(appOrJobId)).orElse(null);
    if (app != null) {
      if (!app.getContainer().getImage().isEmpty()) return app.getContainer().getImage();
      return app.getCmd().isEmpty() ? String.join(" ", app.getArgsList()) : app.getCmd();
    }
    return s.job(appOrJobId).map(r -> {
      JobSpec j = r.getSpec();
      if (!j.getImage().isEmpty()) return j.getImage();
      return j.getCmd().isEmpty() ? String.join(" ", j.getArgsList()) : j.getCmd();
    }).orElse("");
  }
}
