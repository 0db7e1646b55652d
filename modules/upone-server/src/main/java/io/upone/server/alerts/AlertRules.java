package io.upone.server.alerts;

import io.upone.core.proto.AlertRaised;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.DeploymentFinished;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobRunMissed;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.RunState;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import java.util.ArrayList;
import java.util.List;

/**
 * Which committed events alert, and what they say: a pure function of the events (and their
 * timestamps), the projection and the task directory, so that a new leader re-deriving alerts
 * from the log after the watermark gets the same ones.
 */
final class AlertRules {
  private final AlertSettings settings;
  private final TaskDirectory tasks;
  private final Flapping flapping;

  AlertRules(AlertSettings settings, TaskDirectory tasks) {
    this.settings = settings;
    this.tasks = tasks;
    this.flapping = new Flapping(settings.flapCount(), settings.flapWindowMs());
  }

  /** The alerts of one committed event; {@code s} is the projection at or after it. */
  List<Alert> of(Event e, State s) {
    List<Alert> out = new ArrayList<>(2);
    switch (e.getPayloadCase()) {
      case TASK_STATUS_CHANGED -> task(e, e.getTaskStatusChanged(), s, out);
      case JOB_RUN_FINISHED -> runFinished(e, e.getJobRunFinished(), s, out);
      case JOB_RUN_MISSED -> runMissed(e, e.getJobRunMissed(), s, out);
      case DEPLOYMENT_FINISHED -> deployment(e, e.getDeploymentFinished(), s, out);
      case ALERT_RAISED -> raised(e, e.getAlertRaised(), s, out);
      case APP_DELETED -> flapping.forget(e.getAppDeleted().getAppId());
      default -> { }
    }
    return out;
  }

  private void task(Event e, TaskStatusChanged c, State s, List<Alert> out) {
    TaskState st = c.getState();
    boolean lost = st == TaskState.TASK_LOST || st == TaskState.TASK_GONE || st == TaskState.TASK_DROPPED;
    boolean failed = st == TaskState.TASK_FAILED || st == TaskState.TASK_ERROR;
    if (!lost && !failed) return;
    TaskDirectory.Info t = tasks.find(c.getTaskId());
    // only the report that ended the task alerts; a late repeat of an end was said before
    if (t == null || t.endedBy() != e.getIndex()) return;
    if (!t.runId().isEmpty()) return; // a job run's task: its run's end alerts (retries may follow)
    Route route = routeOf(s, t.appId());
    if (route == null) return;
    AlertKind kind = failed ? AlertKind.TASK_FAILED : "agent_lost".equals(c.getReason()) ? AlertKind.AGENT_LOST : AlertKind.TASK_LOST;
    String msg = c.getMessage().isEmpty() ? c.getReason() : c.getMessage();
    out.add(new Alert(e.getIndex(), e.getTimestampMs(), kind, route, t.appId(), c.getTaskId(), t.host(), t.image(),
        t.launchedAtMs(), msg, failed ? c.getExitCode() : null, t.agentId()));
    // flapping is a task failing on its own again and again; a lost agent takes healthy tasks with it
    if (failed && flapping.ended(t.appId(), e.getTimestampMs())) {
      out.add(new Alert(e.getIndex(), e.getTimestampMs(), AlertKind.FLAPPING, route, t.appId(), "", "", t.image(), 0,
          settings.flapCount() + " tasks failed within " + settings.flapWindowMs() / 1000 + " s; last: "
              + st.name() + (msg.isEmpty() ? "" : " " + msg), null, ""));
    }
  }

  private void runFinished(Event e, JobRunFinished f, State s, List<Alert> out) {
    if (f.getState() != RunState.RUN_FAILED) return;
    Route route = routeOf(s, f.getJobId());
    if (route == null) return;
    // the run's last task, for its host and output
    String taskId = s.job(f.getJobId()).flatMap(r -> r.getHistoryList().stream()
        .filter(run -> run.getRunId().equals(f.getRunId())).findFirst()).map(run -> run.getTaskId()).orElse("");
    TaskDirectory.Info t = taskId.isEmpty() ? null : tasks.find(taskId);
    out.add(new Alert(e.getIndex(), e.getTimestampMs(), AlertKind.CRON_FAILED, route, f.getJobId(), taskId,
        t == null ? "" : t.host(), TaskDirectory.image(s, f.getJobId(), 0), t == null ? 0 : t.launchedAtMs(),
        "run " + f.getRunId() + (f.getMessage().isEmpty() ? "" : ": " + f.getMessage()), f.getExitCode(),
        t == null ? "" : t.agentId()));
  }

  private void runMissed(Event e, JobRunMissed m, State s, List<Alert> out) {
    Route route = routeOf(s, m.getJobId());
    if (route == null) return;
    out.add(new Alert(e.getIndex(), e.getTimestampMs(), AlertKind.CRON_MISSED, route, m.getJobId(), "", "",
        TaskDirectory.image(s, m.getJobId(), 0), 0, "run " + m.getRunId() + (m.getReason().isEmpty() ? "" : ": " + m.getReason()),
        null, ""));
  }

  private void deployment(Event e, DeploymentFinished f, State s, List<Alert> out) {
    AlertKind kind;
    if (f.getOutcome() == DeploymentOutcome.ROLLED_BACK) {
      kind = AlertKind.DEPLOY_ROLLED_BACK;
    } else if (f.getOutcome() == DeploymentOutcome.CANCELLED && f.getReason().endsWith("nothing to roll back to")) {
      // the scheduler stopped it (deadline or failures) and had no earlier version: it failed
      kind = AlertKind.DEPLOY_FAILED;
    } else {
      return;
    }
    Route route = routeOf(s, f.getAppId());
    if (route == null) return;
    out.add(new Alert(e.getIndex(), e.getTimestampMs(), kind, route, f.getAppId(), "", "", TaskDirectory.image(s, f.getAppId(), 0),
        0, "deployment " + f.getDeploymentId() + ": " + f.getReason(), null, ""));
  }

  private void raised(Event e, AlertRaised a, State s, List<Alert> out) {
    Route route = routeOf(s, a.getAppId());
    if (route == null) return;
    AlertKind kind = "kill_budget_exhausted".equals(a.getKind()) ? AlertKind.HEALTH_KILL_BUDGET : AlertKind.RAISED;
    out.add(new Alert(e.getIndex(), e.getTimestampMs(), kind, route, a.getAppId(), "", "", TaskDirectory.image(s, a.getAppId(), 0),
        0, kind == AlertKind.RAISED ? a.getKind() + ": " + a.getMessage() : a.getMessage(), null, ""));
  }

  /**
   * The app's or job's channel and webhook, each falling back to the server's; one that names
   * neither goes to the server's channel, if there is one. Null when it has nowhere to go.
   */
  Route routeOf(State s, String id) {
    String channel = "";
    String webhook = "";
    AppSpec app = s.app(id).orElse(null);
    if (app != null) {
      channel = app.getAlertChannel();
      webhook = app.getAlertWebhook();
    } else {
      JobSpec job = s.job(id).map(r -> r.getSpec()).orElse(null);
      if (job != null) {
        channel = job.getAlertChannel();
        webhook = job.getAlertWebhook();
      }
    }
    if (channel.isEmpty() && webhook.isEmpty()) {
      if (settings.defaultChannel().isEmpty()) return null;
      channel = settings.defaultChannel();
    }
    if (webhook.isEmpty()) webhook = settings.defaultWebhook();
    return webhook.isEmpty() ? null : new Route(webhook, channel);
  }
}
