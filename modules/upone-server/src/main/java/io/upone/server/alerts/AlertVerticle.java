package io.upone.server.alerts;

import io.upone.server.metrics.AlertMetrics;

import io.upone.core.proto.AlertsSent;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack alerts, on the leader only. Every member follows the committed feed to know its tasks
 * ({@link TaskDirectory}); the leader derives alerts from each event ({@link AlertRules}), groups
 * them ({@link Grouping}), holds back repeats ({@link Dedupe}) and sends them per channel
 * ({@link Outbox}). What is done is recorded in the log as an {@code AlertsSent} watermark; a new
 * leader derives alerts again from the events after it, so what the old leader delivered and
 * recorded is not sent twice (see src-docs/alerts.md for the trade-off).
 */
public final class AlertVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);
  private static final int REPLAY_PAGE = 1000;
  /** With nothing to deliver, the watermark is still recorded this often (bounds a new leader's replay). */
  private static final long IDLE_MARK_MS = 30_000;
  private static final long IDLE_MARK_EVENTS = 10_000;
  /** With nothing queued the tick slows down to this (only the idle watermark can be due then). */
  private static final long REST_TICK_MS = 1000;
  /** With no watermark yet (alerting new to this log), events older than this are not alerted. */
  private static final long FIRST_LOOK_BACK_MS = 600_000;

  /** The end of a task's output (best effort); the driver knows where it is. */
  public interface TaskOutput {
    Future<String> tail(String agentId, String taskId, int bytes);
  }

  private final EventLog log;
  private final AlertSettings settings;
  private final TaskOutput output;
  private final Clock clock;
  private final AlertMetrics meters;
  private final TaskDirectory directory = new TaskDirectory(20_000);
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private LeaderOnly leadership;
  private SlackWebhook webhook;

  // leader-only state, reset on every change of leadership
  private AlertRules rules;
  private Grouping grouping;
  private Dedupe dedupe;
  private Outbox outbox;
  private final Watermark watermark = new Watermark();
  private final List<Event> buffered = new ArrayList<>();
  private boolean replaying;
  private long staleBeforeMs;
  private long epoch;
  private long timer = -1;
  /** The tick while alerts are queued; whether the timer now set is the slower one of rest. */
  private long tickMs;
  private boolean resting;
  private int preparing;
  private boolean marking;
  private long lastMarkMs;
  private int sentSinceMark;
  private int droppedSinceMark;
  private long sent;
  private long dropped;
  private long held;

  /**
   * On a worker thread, not an event loop: alerting is never urgent, and its first message loads
   * JSON and HTTP client classes for seconds on a busy machine; on an event loop it would share
   * with the scheduling verticles, that stall would be theirs too.
   */
  public static io.vertx.core.DeploymentOptions deployment() {
    return new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER);
  }

  public AlertVerticle(EventLog log, AlertSettings settings, TaskOutput output, AlertMetrics meters, Clock clock) {
    this.log = log;
    this.settings = settings;
    this.output = output;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public void start() {
    webhook = new SlackWebhook(vertx, 10_000);
    directory.seed(log.view());
    consumers.add(CommittedFeed.onCommitted(vertx, this::committed));
    consumers.add(vertx.eventBus().<Object>localConsumer(Addresses.ALERTS_STATUS, m -> m.reply(status())));
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
    leadership.stop();
    webhook.close();
  }

  // ---- leadership ----------------------------------------------------------------------------

  private void lead() {
    epoch++;
    rules = new AlertRules(settings, directory);
    grouping = new Grouping(settings.groupMs());
    dedupe = new Dedupe(settings.dedupeMs());
    outbox = new Outbox(webhook::post, settings, clock, this::delivered);
    State s = log.view();
    long recorded = s.alertsSentThrough();
    // no watermark yet: a young log is looked at whole, an old one (alerting just enabled) from now on
    long from = recorded > 0 ? recorded : s.lastEventIndex() <= IDLE_MARK_EVENTS ? 0 : s.lastEventIndex();
    watermark.start(from);
    lastMarkMs = clock.millis();
    // a log alerting has never recorded anything for (just upgraded) may hold old ends: not news
    staleBeforeMs = recorded > 0 ? 0 : lastMarkMs - FIRST_LOOK_BACK_MS;
    replaying = true;
    tickMs = Math.max(20, Math.min(100, settings.groupMs() / 4));
    arm(tickMs, epoch);
    LOG.info("alerting: leading; deriving alerts from event {} on", from + 1);
    replay(from + 1, epoch);
  }

  private void follow() {
    epoch++;
    vertx.cancelTimer(timer);
    if (outbox != null) outbox.clear();
    if (grouping != null) grouping.clear();
    buffered.clear();
    replaying = false;
    marking = false;
    preparing = 0;
    meters.queued(0);
  }

  /** Reads the log from {@code next} to its end, deriving as it goes, then takes the live feed over. */
  private void replay(long next, long mine) {
    vertx.executeBlocking(() -> log.read(next, REPLAY_PAGE), false).onComplete(ar -> {
      if (mine != epoch) return;
      if (ar.failed()) {
        LOG.warn("alerting: cannot read the log from {} ({}); alerts of the events before {} are not derived", next,
            ar.cause().getMessage(), log.view().lastEventIndex() + 1);
        watermark.start(Math.max(watermark.derivedThrough(), log.view().lastEventIndex()));
        buffered.removeIf(e -> e.getIndex() <= watermark.derivedThrough());
        finishReplay();
        return;
      }
      List<Event> page = ar.result();
      State s = log.view();
      for (Event e : page) {
        directory.onEvent(e, s); // events applied before this verticle started are known from here only
        derive(e, s);
      }
      if (page.size() == REPLAY_PAGE) replay(page.get(page.size() - 1).getIndex() + 1, mine);
      else finishReplay();
    });
  }

  private void finishReplay() {
    replaying = false;
    State s = log.view();
    for (Event e : buffered) derive(e, s);
    buffered.clear();
  }

  // ---- events → alerts -----------------------------------------------------------------------

  private void committed(Committed c) {
    State s = log.view();
    for (Event e : c.events()) {
      directory.onEvent(e, s);
      if (!leadership.leading()) continue;
      if (replaying) buffered.add(e);
      else derive(e, s);
    }
  }

  private void derive(Event e, State s) {
    if (e.getIndex() <= watermark.derivedThrough()) return; // already looked at (replay and feed overlap)
    if (e.hasAlertsSent()) return; // the watermark itself is no work: not counted, or it would chase itself
    long now = clock.millis();
    List<Alert> alerts = rules.of(e, s); // (also when stale: flapping counts its failures)
    if (e.getTimestampMs() < staleBeforeMs) alerts = List.of();
    for (Alert a : alerts) {
      if (grouping.add(a, now, queued() < settings.queueLimit())) {
        watermark.pending(a.index());
        if (resting) {
          vertx.cancelTimer(timer);
          arm(tickMs, epoch);
        }
      } else {
        dropped++;
        droppedSinceMark++;
        meters.dropped(AlertMetrics.QUEUE_FULL);
      }
    }
    watermark.derived(e.getIndex());
  }

  private int queued() {
    return grouping.size() + preparing + outbox.size();
  }

  // ---- groups → messages → Slack ---------------------------------------------------------------

  /** The next tick: at {@code tickMs} while anything is queued, at rest every {@link #REST_TICK_MS}. */
  private void arm(long delayMs, long mine) {
    resting = delayMs > tickMs;
    timer = vertx.setTimer(delayMs, id -> {
      if (mine != epoch) return;
      tick();
      arm(queued() > 0 ? tickMs : REST_TICK_MS, mine);
    });
  }

  private void tick() {
    long now = clock.millis();
    for (Group g : grouping.due(now)) close(g, now);
    outbox.pump(now);
    meters.queued(queued());
    mark(now);
  }

  private void close(Group g, long now) {
    Dedupe.Verdict v = dedupe.check(Dedupe.keyOf(g), now);
    if (!v.send()) {
      held += g.count;
      watermark.done(g.indexes);
      return;
    }
    String text = AlertLine.withRepeats(AlertLine.of(g), v.held(), java.util.Map.entry(v.sinceMs(), now));
    Alert first = g.first();
    boolean withOutput = (g.kind == AlertKind.TASK_FAILED || g.kind == AlertKind.CRON_FAILED) && settings.logLines() > 0
        && !first.taskId().isEmpty() && !first.agentId().isEmpty();
    if (!withOutput) {
      outbox.add(new Message(g.route, text, g.indexes, g.count));
      return;
    }
    preparing++;
    long mine = epoch;
    tail(first).onComplete(ar -> {
      if (mine != epoch) return;
      preparing--;
      outbox.add(new Message(g.route, AlertLine.withOutput(text, ar.succeeded() ? ar.result() : List.of()), g.indexes, g.count));
      outbox.pump(clock.millis());
    });
  }

  /** The last lines of the task's output, or none if they do not come in time. */
  private Future<List<String>> tail(Alert a) {
    Future<String> f;
    try {
      f = output.tail(a.agentId(), a.taskId(), 4096);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.timeout(settings.logTimeoutMs(), TimeUnit.MILLISECONDS).map(text -> {
      List<String> lines = Arrays.stream(text.split("\r?\n")).filter(l -> !l.isBlank()).toList();
      return lines.subList(Math.max(0, lines.size() - settings.logLines()), lines.size());
    });
  }

  private void delivered(Message m, boolean ok, SlackWebhook.Delivery d) {
    watermark.done(m.indexes());
    if (ok) {
      sent++;
      sentSinceMark++;
      meters.sent();
    } else {
      dropped += m.alerts();
      droppedSinceMark += m.alerts();
      for (int i = 0; i < m.alerts(); i++) meters.dropped(AlertMetrics.FAILED);
    }
    outbox.pump(clock.millis());
    mark(clock.millis());
  }

  // ---- the watermark -------------------------------------------------------------------------

  /** Records how far alerting is done: at once after a delivery, otherwise now and then. */
  private void mark(long now) {
    if (marking || replaying || !leadership.leading()) return;
    long through = watermark.through();
    long recorded = log.view().alertsSentThrough();
    if (through <= recorded) return;
    boolean due = sentSinceMark > 0 || droppedSinceMark > 0 || through - recorded >= IDLE_MARK_EVENTS
        || now - lastMarkMs >= IDLE_MARK_MS;
    if (!due) return;
    marking = true;
    int s = sentSinceMark;
    int d = droppedSinceMark;
    sentSinceMark = 0;
    droppedSinceMark = 0;
    lastMarkMs = now;
    long mine = epoch;
    Proposal p = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now)
        .setAlertsSent(AlertsSent.newBuilder().setThroughIndex(through).setSent(s).setDropped(d))).build();
    Future.fromCompletionStage(log.append(p), context).onComplete(ar -> {
      if (mine != epoch) return;
      marking = false;
      if (ar.failed()) {
        sentSinceMark += s; // try again on the next tick
        droppedSinceMark += d;
        LOG.debug("alerting: watermark {} not recorded: {}", through, ar.cause().getMessage());
      }
    });
  }

  private JsonObject status() {
    boolean leading = leadership != null && leadership.leading();
    JsonObject o = new JsonObject().put("leading", leading).put("replaying", replaying).put("sent", sent)
        .put("dropped", dropped).put("heldBack", held).put("tasksKnown", directory.size())
        .put("recordedThrough", log.view().alertsSentThrough());
    if (leading) {
      o.put("grouping", grouping.size()).put("preparing", preparing).put("outbox", outbox.size())
          .put("attempts", outbox.attempts()).put("retries", outbox.retries()).put("paced", outbox.paced()).put("derivedThrough", watermark.derivedThrough())
          .put("doneThrough", watermark.through()).put("pendingAlerts", watermark.pendingAlerts());
    }
    return o;
  }
}
