package io.upone.server.lifecycle;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.ReadinessCheck;
import io.upone.core.proto.TaskReady;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the apps' readiness checks (Marathon's {@code readinessChecks}) on the leader, as Marathon
 * does: an HTTP(S) GET from the scheduler to each RUNNING task that is not ready yet, every
 * {@code intervalSeconds}, until every check of the task answers one of its
 * {@code httpStatusCodesForReady}; then one {@code TaskReady} is written. Readiness is about
 * warming up, so it is decided once; whether a task stays alive is its health checks' job. The
 * same code serves native and Mesos mode (the task's host and port must be reachable from the
 * leader). A new leader probes again the tasks the log does not say are ready; a second
 * {@code TaskReady} for the same task changes nothing. Only apps with readiness checks are looked
 * at, and only while there are some is there a timer at all (kept from the committed feed): with
 * thousands of apps and none checked, the tick cost a walk over every app five times a second.
 */
public final class ReadinessVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessVerticle.class);
  /** How often due probes are looked for; each task is probed at its checks' own interval. */
  static final long TICK_MS = 200;

  private final EventLog log;
  private final Clock clock;
  private LeaderOnly leadership;
  private WebClient http;
  private long timer = -1;
  /** Task → when it is next probed; tasks with a probe (or their TaskReady) in flight. */
  private final Map<String, Long> due = new HashMap<>();
  private final Set<String> busy = new HashSet<>();
  /** The apps with readiness checks, while leading. */
  private final Set<String> checked = new HashSet<>();
  private MessageConsumer<?> feed;

  public ReadinessVerticle(EventLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  @Override
  public void start() {
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false).setTrustAll(true).setVerifyHost(false)
        .setFollowRedirects(false).setUserAgent("upone-readiness"));
    feed = CommittedFeed.onCommitted(vertx, c -> {
      if (!leadership.leading()) return;
      for (Event e : c.events()) {
        switch (e.getPayloadCase()) {
          case APP_CREATED -> recheck(e.getAppCreated().getSpec().getId());
          case APP_UPDATED -> recheck(e.getAppUpdated().getSpec().getId());
          case APP_DELETED -> recheck(e.getAppDeleted().getAppId());
          default -> { }
        }
      }
    });
    leadership = new LeaderOnly(vertx, log, () -> {
      for (AppSpec app : log.view().apps()) if (app.getReadinessChecksCount() > 0) checked.add(app.getId());
      timing();
    }, () -> {
      checked.clear();
      timing();
      due.clear();
      busy.clear();
    });
    leadership.start();
  }

  @Override
  public void stop() {
    feed.unregister();
    leadership.stop();
    http.close();
  }

  private void tick() {
    if (!leadership.leading()) return;
    State s = log.view();
    long now = clock.millis();
    Set<String> seen = new HashSet<>();
    for (String id : checked) {
      AppSpec app = s.app(id).orElse(null);
      if (app == null || app.getReadinessChecksCount() == 0) continue;
      for (Task t : s.tasksOf(app.getId())) {
        if (t.ready() || t.state() != TaskState.TASK_RUNNING || !t.runId().isEmpty()) continue;
        seen.add(t.id());
        if (busy.contains(t.id()) || due.getOrDefault(t.id(), 0L) > now) continue;
        probe(app, t);
      }
    }
    due.keySet().retainAll(seen);
  }

  /** An app changed: is it still one to check? */
  private void recheck(String appId) {
    if (log.view().app(appId).map(a -> a.getReadinessChecksCount() > 0).orElse(false)) checked.add(appId);
    else checked.remove(appId);
    timing();
  }

  /** A timer while some app has readiness checks (on the leader), none otherwise. */
  private void timing() {
    if (checked.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    } else if (!checked.isEmpty() && timer < 0) {
      timer = vertx.setPeriodic(TICK_MS, t -> tick());
    }
  }

  private void probe(AppSpec app, Task t) {
    busy.add(t.id());
    List<Future<String>> answers = new ArrayList<>();
    long interval = Long.MAX_VALUE;
    for (ReadinessCheck c : app.getReadinessChecksList()) {
      answers.add(check(c, t));
      interval = Math.min(interval, c.getIntervalSeconds() * 1000L);
    }
    long next = interval;
    Future.all(answers).onComplete(ar -> {
      if (ar.failed()) {
        busy.remove(t.id());
        due.put(t.id(), clock.millis() + next);
        LOG.debug("task {} not ready: {}", t.id(), ar.cause().getMessage());
        return;
      }
      List<String> oks = new ArrayList<>();
      for (Future<String> f : answers) oks.add(f.result());
      Proposal p = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(clock.millis())
          .setTaskReady(TaskReady.newBuilder().setTaskId(t.id()).setMessage(String.join("; ", oks)))).build();
      log.append(p).whenComplete((r, err) -> vertx.runOnContext(v -> {
        busy.remove(t.id());
        if (err != null) due.put(t.id(), clock.millis() + next); // not leader any more, or refused: probe again later
      }));
    });
  }

  /** One check of one task: succeeds with a short description when the answer's status counts as ready. */
  private Future<String> check(ReadinessCheck c, Task t) {
    int[] ports = t.hostPorts();
    if (c.getPortIndex() >= ports.length || ports[c.getPortIndex()] == 0) {
      return Future.failedFuture("task has no port " + c.getPortIndex());
    }
    int port = ports[c.getPortIndex()];
    return http.get(port, t.hostname(), c.getPath()).ssl(c.getProtocol().equals("HTTPS"))
        .timeout(c.getTimeoutSeconds() * 1000L).send()
        .compose(r -> c.getHttpStatusCodesForReadyList().contains(r.statusCode())
            ? Future.succeededFuture(c.getName() + ": " + r.statusCode())
            : Future.failedFuture(c.getName() + " answered " + r.statusCode()));
  }
}
