package io.upone.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobSpec;
import io.upone.core.state.State;
import io.upone.cron.JobCommands;
import io.upone.cron.JobJson;
import io.upone.cron.Schedule;
import io.upone.eventlog.EventLog;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The job resource: {@code /v1/jobs}. Reads answer from this node's projection; writes go
 * through the leader like apps'. Runs are fired by the leader's cron planner; {@code POST
 * /v1/jobs/{id}/runs} fires one now.
 */
public final class JobsApi {
  private final EventLog log;
  private final LeaderWrites writes;

  public JobsApi(EventLog log, LeaderForwarder forwarder) {
    this.log = log;
    this.writes = new LeaderWrites(log, forwarder);
  }

  // ---- reads -------------------------------------------------------------------------------

  public void list(RoutingContext ctx) {
    State s = ReadViews.of(ctx, log);
    ArrayNode jobs = JsonNodeFactory.instance.arrayNode();
    s.jobs().stream().sorted(Comparator.comparing(r -> r.getSpec().getId())).forEach(r -> jobs.add(view(r)));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("jobs", jobs);
    LeaderWrites.json(ctx, 200, out);
  }

  public void get(RoutingContext ctx, String id) {
    read(ctx, id, JobsApi::view);
  }

  public void runs(RoutingContext ctx, String id) {
    read(ctx, id, r -> {
      ObjectNode o = JsonNodeFactory.instance.objectNode().put("id", r.getSpec().getId());
      ArrayNode active = o.putArray("active");
      r.getActiveList().forEach(run -> active.add(run(run)));
      ArrayNode history = o.putArray("history");
      // newest first, as people read a history
      for (int i = r.getHistoryCount() - 1; i >= 0; i--) history.add(run(r.getHistory(i)));
      return o;
    });
  }

  private void read(RoutingContext ctx, String id, Function<JobRecord, ObjectNode> render) {
    try {
      LeaderWrites.json(ctx, 200, render.apply(JobCommands.existing(ReadViews.of(ctx, log), id)));
    } catch (Problem.Failure f) {
      Problems.send(ctx.response(), f.problem());
    }
  }

  static ObjectNode view(JobRecord r) {
    JobSpec spec = r.getSpec();
    ObjectNode o = JobJson.write(spec);
    ObjectNode status = o.putObject("status");
    status.put("state", spec.getSuspended() ? "suspended" : r.getActiveCount() > 0 ? "running" : "scheduled");
    status.put("activeRuns", r.getActiveCount());
    if (r.getLastScheduledMs() > 0) status.put("lastScheduledAt", Instant.ofEpochMilli(r.getLastScheduledMs()).toString());
    if (r.getHistoryCount() > 0) status.set("lastRun", run(r.getHistory(r.getHistoryCount() - 1)));
    if (!spec.getSuspended()) {
      Instant from = Instant.ofEpochMilli(Math.max(Math.max(r.getLastScheduledMs(), r.getPlanFromMs()), System.currentTimeMillis()));
      try {
        Schedule.parse(spec.getSchedule(), spec.getTimezone(), from).next(from)
            .ifPresent(t -> status.put("nextRunAt", t.toString()));
      } catch (Schedule.Invalid e) {
        status.put("nextRunAt", (String) null);
      }
    }
    return o;
  }

  static ObjectNode run(JobRun run) {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("runId", run.getRunId())
        .put("scheduledAt", Instant.ofEpochMilli(run.getScheduledMs()).toString()).put("manual", run.getManual())
        .put("state", run.getState().name().substring("RUN_".length()));
    if (run.getFiredAtMs() > 0) o.put("firedAt", Instant.ofEpochMilli(run.getFiredAtMs()).toString());
    if (run.getStartedAtMs() > 0) o.put("startedAt", Instant.ofEpochMilli(run.getStartedAtMs()).toString());
    if (run.getEndedAtMs() > 0) o.put("endedAt", Instant.ofEpochMilli(run.getEndedAtMs()).toString());
    o.put("attempts", run.getAttempts());
    if (!run.getTaskId().isEmpty()) o.put("taskId", run.getTaskId());
    o.put("exitCode", run.getExitCode());
    if (!run.getMessage().isEmpty()) o.put("message", run.getMessage());
    return o;
  }

  // ---- writes ------------------------------------------------------------------------------

  public void create(RoutingContext ctx) {
    JobSpec[] spec = new JobSpec[1];
    writes.run(ctx, s -> {
      if (spec[0] == null) spec[0] = JobJson.read(ctx.body().asString(), null, Instant.now());
      return JobCommands.create(s, spec[0], now());
    }, events -> {
      String id = events.get(0).getJobCreated().getSpec().getId();
      ctx.response().putHeader("Location", "/v1/jobs" + id);
      respond(ctx, 201, id, events);
    }, () -> false);
  }

  public void update(RoutingContext ctx, String id) {
    JobSpec[] spec = new JobSpec[1];
    writes.run(ctx, s -> {
      if (spec[0] == null) spec[0] = JobJson.read(ctx.body().asString(), id, Instant.now());
      return JobCommands.update(s, id, spec[0], now());
    }, events -> respond(ctx, 200, events.get(0).getJobUpdated().getSpec().getId(), events),
        () -> spec[0] != null && spec[0].getVersion() == 0);
  }

  public void suspend(RoutingContext ctx, String id, boolean suspended) {
    writes.run(ctx, s -> JobCommands.setSuspended(s, id, suspended, now()),
        events -> respond(ctx, 200, events.get(0).getJobUpdated().getSpec().getId(), events), () -> true);
  }

  public void delete(RoutingContext ctx, String id) {
    writes.run(ctx, s -> JobCommands.delete(s, id, now()), events -> {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("id", events.get(0).getJobDeleted().getJobId()).put("deleted", true);
      LeaderWrites.json(ctx, 200, out, events);
    }, () -> true);
  }

  public void runNow(RoutingContext ctx, String id) {
    String runId = io.upone.core.AppId.canonical(id) + "@manual-" + UUID.randomUUID();
    writes.run(ctx, s -> JobCommands.runNow(s, id, runId, now()), events -> {
      JobRecord r = log.view().job(events.get(0).getJobRunFired().getJobId()).orElse(null);
      JobRun fired = r == null ? null : r.getActiveList().stream().filter(x -> x.getRunId().equals(runId)).findFirst().orElse(null);
      ObjectNode out = fired != null ? run(fired) : JsonNodeFactory.instance.objectNode().put("runId", runId);
      ctx.response().putHeader("Location", "/v1/jobs" + events.get(0).getJobRunFired().getJobId() + "/runs");
      LeaderWrites.json(ctx, 201, out, events);
    }, () -> false);
  }

  private void respond(RoutingContext ctx, int status, String id, List<Event> events) {
    JobRecord r = log.view().job(id).orElse(null);
    LeaderWrites.json(ctx, status, r == null ? JsonNodeFactory.instance.objectNode().put("id", id) : view(r), events);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
