package io.upone.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.Problem;
import io.upone.core.command.DeploymentCommands;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.DeploymentStarted;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code /v1/deployments}: running deployments with their progress (read from the tasks) and the
 * recent finished ones; roll back or stop one; promote a paused canary.
 */
public final class DeploymentsApi {
  private final EventLog log;
  private final LeaderWrites writes;

  public DeploymentsApi(EventLog log, LeaderForwarder forwarder) {
    this.log = log;
    this.writes = new LeaderWrites(log, forwarder);
  }

  /** {@code GET /v1/deployments}: running ones, then (with {@code ?all=true}) the recent finished ones. */
  public void list(RoutingContext ctx) {
    String all = ctx.request().getParam("all", "false");
    if (!all.equals("true") && !all.equals("false")) {
      Problems.send(ctx.response(), Problem.invalid("all", "must be true or false"));
      return;
    }
    State s = ReadViews.of(ctx, log);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Deployment d : s.deployments()) {
      if (all.equals("true") || d.getOutcome() == DeploymentOutcome.OUTCOME_UNSPECIFIED) out.add(json(s, d));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("deployments", out);
    LeaderWrites.json(ctx, 200, body);
  }

  public void get(RoutingContext ctx, String id) {
    State s = ReadViews.of(ctx, log);
    s.deploymentById(id).ifPresentOrElse(d -> LeaderWrites.json(ctx, 200, json(s, d)),
        () -> Problems.send(ctx.response(), Problem.notFound("deployment_not_found", "deployment " + id + " does not exist")));
  }

  /** {@code DELETE /v1/deployments/{id}}: roll back; with {@code ?force=true} stop where it is. */
  public void stop(RoutingContext ctx, String id) {
    String force = ctx.request().getParam("force", "false");
    if (!force.equals("true") && !force.equals("false")) {
      Problems.send(ctx.response(), Problem.invalid("force", "must be true or false"));
      return;
    }
    writes.run(ctx, s -> DeploymentCommands.stop(s, id, force.equals("true"), System.currentTimeMillis()), events -> {
      ObjectNode out = JsonNodeFactory.instance.objectNode().put("deploymentId", id)
          .put("outcome", force.equals("true") ? "cancelled" : "rolled_back");
      events.stream().filter(e -> e.hasDeploymentStarted()).findFirst()
          .ifPresent(e -> out.put("rollbackDeploymentId", e.getDeploymentStarted().getDeploymentId()));
      LeaderWrites.json(ctx, 200, out, events);
    }, () -> false);
  }

  /** {@code POST /v1/deployments/{id}/promote}: a paused canary goes on. */
  public void promote(RoutingContext ctx, String id) {
    writes.run(ctx, s -> DeploymentCommands.promote(s, id, System.currentTimeMillis()), events -> {
      State s = log.view();
      LeaderWrites.json(ctx, 200, json(s, s.deploymentById(id).orElseThrow()), events);
    }, () -> false);
  }

  /** A deployment with its progress: tasks of the new configuration (healthy or not) and old ones left. */
  static ObjectNode json(State s, Deployment d) {
    DeploymentStarted st = d.getStarted();
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("id", st.getDeploymentId()).put("appId", st.getAppId())
        .put("type", DeploymentCommands.kind(st.getKind())).put("fromVersion", st.getFromVersion())
        .put("toVersion", st.getToVersion()).put("reason", st.getReason()).put("rollback", st.getRollback())
        .put("phase", d.getPhase().name().toLowerCase(Locale.ROOT))
        .put("startedAt", Instant.ofEpochMilli(d.getStartedAtMs()).toString()).put("failures", d.getFailures());
    if (st.getDeadlineMs() != 0) o.put("deadline", Instant.ofEpochMilli(st.getDeadlineMs()).toString());
    if (d.getOutcome() != DeploymentOutcome.OUTCOME_UNSPECIFIED) {
      o.put("outcome", d.getOutcome().name().toLowerCase(Locale.ROOT)).put("outcomeReason", d.getOutcomeReason())
          .put("finishedAt", Instant.ofEpochMilli(d.getFinishedAtMs()).toString());
      return o;
    }
    AppSpec app = s.app(st.getAppId()).orElse(null);
    int current = 0;
    int healthy = 0;
    int old = 0;
    for (Task t : s.tasksOf(st.getAppId())) {
      if (!t.runId().isEmpty()) continue;
      if (s.currentConfig(t)) {
        current++;
        boolean checked = app != null && app.getHealthChecksCount() > 0;
        if (t.state() == TaskState.TASK_RUNNING && (checked ? Boolean.TRUE.equals(t.healthy()) : !Boolean.FALSE.equals(t.healthy()))) healthy++;
      } else {
        old++;
      }
    }
    ObjectNode progress = o.putObject("progress").put("instances", app == null ? 0 : app.getInstances())
        .put("newTasks", current).put("newHealthy", healthy).put("oldTasks", old);
    progress.put("summary", healthy + " of " + (app == null ? 0 : app.getInstances()) + " new tasks healthy, " + old + " old left");
    return o;
  }
}
