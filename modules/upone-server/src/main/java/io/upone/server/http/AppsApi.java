package io.upone.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.Problem;
import io.upone.core.command.AppCommands;
import io.upone.core.json.AppJson;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The app resource: {@code /v1/apps}. Reads answer from this node's projection; writes run on
 * the leader (forwarded if this node is not it): decide against the projection, append, answer
 * once the events are committed and applied.
 */
public final class AppsApi {
  private final EventLog log;
  private final LeaderWrites writes;

  public AppsApi(EventLog log, LeaderForwarder forwarder) {
    this.log = log;
    this.writes = new LeaderWrites(log, forwarder);
  }

  // ---- reads -------------------------------------------------------------------------------

  public void list(RoutingContext ctx) {
    State s = ReadViews.of(ctx, log);
    ArrayNode apps = JsonNodeFactory.instance.arrayNode();
    s.apps().stream().sorted(Comparator.comparing(AppSpec::getId)).forEach(a -> apps.add(view(s, a)));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("apps", apps);
    json(ctx, 200, out);
  }

  public void get(RoutingContext ctx, String id) {
    try {
      State s = ReadViews.of(ctx, log);
      json(ctx, 200, view(s, AppCommands.existing(s, id)));
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
    }
  }

  /** The app as {@code s} holds it (or as written, if a later write already replaced it) with its task counts. */
  private static ObjectNode viewOfWritten(State s, AppSpec written) {
    return view(s, s.app(written.getId()).orElse(written));
  }

  /** Marathon's app view: the definition plus task counts. */
  static ObjectNode view(State s, AppSpec a) {
    ObjectNode o = AppJson.write(a);
    int staged = 0;
    int running = 0;
    int healthy = 0;
    int unhealthy = 0;
    for (Task t : s.tasksOf(a.getId())) {
      if (t.state() == TaskState.TASK_RUNNING) running++;
      else if (t.state() == TaskState.TASK_STAGING || t.state() == TaskState.TASK_STARTING) staged++;
      if (Boolean.TRUE.equals(t.healthy())) healthy++;
      else if (Boolean.FALSE.equals(t.healthy())) unhealthy++;
    }
    o.put("tasksStaged", staged).put("tasksRunning", running).put("tasksHealthy", healthy).put("tasksUnhealthy", unhealthy);
    s.deployment(a.getId()).ifPresent(d -> o.set("deployment", DeploymentsApi.json(s, d)));
    return o;
  }

  // ---- writes ------------------------------------------------------------------------------

  public void create(RoutingContext ctx) {
    onLeader(ctx, s -> AppCommands.create(s, AppCommands.readSpec(ctx.body().asString(), null), now()),
        events -> {
          AppSpec spec = events.get(0).getAppCreated().getSpec();
          ctx.response().putHeader("Location", "/v1/apps" + spec.getId());
          json(ctx, 201, viewOfWritten(log.view(), spec), events);
        });
  }

  public void update(RoutingContext ctx, String id) {
    Long rollbackTo = rollbackVersion(ctx);
    if (rollbackTo != null) {
      onLeader(ctx, s -> AppCommands.rollbackTo(s, id, rollbackTo, now()), events -> {
        AppSpec spec = events.get(0).getAppUpdated().getSpec();
        json(ctx, 200, viewOfWritten(log.view(), spec), events);
      });
      return;
    }
    AppCommands.SpecRequest[] req = new AppCommands.SpecRequest[1];
    onLeader(ctx, s -> {
      if (req[0] == null) req[0] = AppCommands.readSpec(ctx.body().asString(), id);
      return AppCommands.update(s, id, req[0], now());
    }, events -> {
      AppSpec spec = events.get(0).getAppUpdated().getSpec();
      json(ctx, 200, viewOfWritten(log.view(), spec), events);
    }, () -> req[0] != null && !req[0].versionGiven());
  }

  /** A body of only {@code {"version": N}} asks for that earlier version again (Marathon's rollback). */
  private static Long rollbackVersion(RoutingContext ctx) {
    try {
      JsonNode body = AppJson.parse(ctx.body().asString());
      if (body.isObject() && body.size() == 1 && body.has("version") && body.get("version").isIntegralNumber()
          && body.get("version").canConvertToLong()) {
        return body.get("version").longValue();
      }
    } catch (Problem.Failure notJson) {
      // the full parse reports it
    }
    return null;
  }

  /** {@code POST /v1/apps/{id}/restart}: every task replaced by a deployment, the definition unchanged. */
  public void restart(RoutingContext ctx, String id) {
    onLeader(ctx, s -> AppCommands.restart(s, id, now()), events -> {
      AppSpec spec = events.get(0).getAppUpdated().getSpec();
      json(ctx, 200, viewOfWritten(log.view(), spec), events);
    }, () -> true);
  }

  /** {@code GET /v1/apps/{id}/versions}: the recent versions, newest first; the newest with their definition. */
  public void versions(RoutingContext ctx, String id) {
    try {
      State s = ReadViews.of(ctx, log);
      AppSpec app = AppCommands.existing(s, id);
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      List<io.upone.core.proto.AppVersion> vs = s.appVersions(app.getId());
      for (int i = vs.size() - 1; i >= 0; i--) {
        io.upone.core.proto.AppVersion v = vs.get(i);
        ObjectNode o = out.addObject().put("version", v.getVersion())
            .put("at", java.time.Instant.ofEpochMilli(v.getAtMs()).toString());
        if (v.hasSpec()) o.set("app", AppJson.write(v.getSpec()));
      }
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("appId", app.getId()).put("version", app.getVersion());
      body.set("versions", out);
      json(ctx, 200, body);
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
    }
  }

  public void scale(RoutingContext ctx, String id) {
    boolean[] versionGiven = new boolean[1];
    onLeader(ctx, s -> {
      JsonNode body = AppJson.parse(ctx.body().asString());
      if (!body.isObject()) throw Problem.invalid("$", "must be a JSON object like {\"instances\": 3}").asFailure();
      JsonNode n = body.get("instances");
      if (n == null || n.isNull()) throw Problem.invalid("instances", "is required").asFailure();
      // range-checked before narrowing: 2^64 + 3 is not 3
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0 || n.longValue() > 1_000_000) {
        throw Problem.invalid("instances", "must be an integer from 0 to 1000000").asFailure();
      }
      JsonNode v = body.get("version");
      if (v != null && (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1)) {
        throw Problem.invalid("version", "must be a positive integer (the app's current version)").asFailure();
      }
      versionGiven[0] = v != null;
      body.fieldNames().forEachRemaining(f -> {
        if (!f.equals("instances") && !f.equals("version")) throw Problem.invalid(f, "unknown field").asFailure();
      });
      return AppCommands.scale(s, id, n.longValue(), v == null ? null : v.longValue(), now());
    }, events -> {
      String appId = events.get(0).getAppScaled().getAppId();
      State s = log.view();
      json(ctx, 200, s.app(appId).map(a -> view(s, a)).orElseGet(JsonNodeFactory.instance::objectNode), events);
    }, () -> !versionGiven[0]);
  }

  public void delete(RoutingContext ctx, String id) {
    onLeader(ctx, s -> AppCommands.delete(s, id, now()), events -> {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("id", events.get(0).getAppDeleted().getAppId()).put("deleted", true);
      json(ctx, 200, out, events);
    }, () -> true); // a delete names no version: losing a race to another write just retries
  }

  private void onLeader(RoutingContext ctx, Function<State, Proposal> decide, Consumer<List<Event>> respond) {
    writes.run(ctx, decide, respond, () -> false);
  }

  private void onLeader(RoutingContext ctx, Function<State, Proposal> decide, Consumer<List<Event>> respond,
                        BooleanSupplier retryOnStale) {
    writes.run(ctx, decide, respond, retryOnStale);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  static void json(RoutingContext ctx, int status, JsonNode body) {
    LeaderWrites.json(ctx, status, body);
  }

  private static void json(RoutingContext ctx, int status, JsonNode body, List<Event> events) {
    LeaderWrites.json(ctx, status, body, events);
  }
}
