package io.upone.server.cron;

import io.upone.core.Problem;
import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobRunMissed;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.MissedRunPolicy;
import io.upone.core.proto.Proposal;
import io.upone.cron.FirePlan;
import io.upone.cron.MissedRuns;
import io.upone.cron.Schedule;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires cron jobs, on the leader only. Every job's next instant sits in one {@link FirePlan}
 * with one Vert.x timer for the earliest, so 10,000 idle jobs cost one sleeping timer.
 *
 * <p>Exactly once: an instant is fired by appending {@code JobRunFired} (or {@code JobRunMissed})
 * and nothing launches before that commits; the projection refuses an instant at or before the
 * job's last one on every member. A new leader plans from the log: instants that came due while
 * nobody led are fired or recorded missed by the job's missed-run policy, each once.
 */
public final class CronPlanner extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CronPlanner.class);
  /** Instants handled per step of a catch-up (a long outage of a per-second job comes in slices). */
  private static final int CATCH_UP_SLICE = 1000;
  private static final Duration NO_DEADLINE = Duration.ofDays(36_500);
  private static final long RETRY_MS = 1000;

  private final EventLog log;
  private final Clock clock;
  private final FirePlan plan = new FirePlan();
  private final Map<String, Schedule> schedules = new HashMap<>();
  private final Map<String, Long> scheduleVersions = new HashMap<>();
  /** Jobs with appends in flight: planned again when they complete, not before. */
  private final Set<String> busy = new HashSet<>();
  /**
   * After leadership begins, a FORBID job's run left active by the previous leader is not judged
   * against its next instant until the run has been reconciled (its agent re-registered and told
   * how it ended) or this long has passed: otherwise instants are recorded missed behind a run
   * that already ended.
   */
  private final long settleMs;
  private long leadAtMs;
  private long timerId = -1;
  private Instant timerAt;
  private LeaderOnly leadership;
  private MessageConsumer<Committed> committed;

  public CronPlanner(EventLog log, Clock clock) {
    this(log, clock, 0);
  }

  public CronPlanner(EventLog log, Clock clock, long settleMs) {
    this.log = log;
    this.clock = clock;
    this.settleMs = settleMs;
  }

  @Override
  public void start() {
    committed = CommittedFeed.onCommitted(vertx, c -> {
      if (!leading()) return;
      boolean changed = false;
      for (Event e : c.events()) {
        switch (e.getPayloadCase()) {
          case JOB_CREATED -> replan(e.getJobCreated().getSpec().getId());
          case JOB_UPDATED -> replan(e.getJobUpdated().getSpec().getId());
          case JOB_DELETED -> replan(e.getJobDeleted().getJobId());
          case JOB_RUN_FINISHED -> {
            if (!settling()) continue;
            replan(e.getJobRunFinished().getJobId()); // a run left by the previous leader ended: judge what waited
          }
          default -> {
            continue;
          }
        }
        changed = true;
      }
      if (changed) rearm();
    });
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    committed.unregister();
    leadership.stop();
  }

  private boolean leading() {
    return leadership != null && leadership.leading();
  }

  private void lead() {
    leadAtMs = clock.millis();
    int n = 0;
    for (JobRecord r : log.view().jobs()) {
      replan(r.getSpec().getId());
      n++;
    }
    rearm();
    LOG.info("planning {} jobs; next wake {}", n, plan.nextWake().orElse(null));
  }

  private void follow() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    timerId = -1;
    timerAt = null;
    for (JobRecord r : log.view().jobs()) plan.remove(r.getSpec().getId());
    plan.takeDue(Instant.MAX);
    schedules.clear();
    scheduleVersions.clear();
    busy.clear();
  }

  private void wake() {
    timerId = -1;
    timerAt = null;
    if (!leading()) return;
    for (FirePlan.Due due : plan.takeDue(clock.instant())) replan(due.jobId());
    rearm();
  }

  private void rearm() {
    if (!leading()) return;
    Optional<Instant> wake = plan.nextWake();
    if (wake.isPresent() && wake.get().equals(timerAt)) return;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    timerId = -1;
    timerAt = null;
    if (wake.isEmpty()) return;
    long delay = Math.max(1, Duration.between(clock.instant(), wake.get()).toMillis() + 1);
    timerAt = wake.get();
    timerId = vertx.setTimer(delay, id -> wake());
  }

  /**
   * Brings one job up to now: instants due since its last one are fired or recorded missed (in
   * order, one proposal each), then its next instant goes into the plan.
   */
  private void replan(String jobId) {
    plan.remove(jobId);
    if (!leading() || busy.contains(jobId)) return;
    JobRecord r = log.view().job(jobId).orElse(null);
    if (r == null || r.getSpec().getSuspended()) {
      schedules.remove(jobId);
      return;
    }
    Schedule schedule = schedule(r.getSpec());
    if (schedule == null) return;
    Instant now = clock.instant();
    Instant from = Instant.ofEpochMilli(Math.max(r.getLastScheduledMs(), r.getPlanFromMs()));
    JobSpec spec = r.getSpec();
    Duration deadline = spec.getStartingDeadlineSeconds() == 0 ? NO_DEADLINE : Duration.ofSeconds(spec.getStartingDeadlineSeconds());
    MissedRuns.Decision d = MissedRuns.decide(schedule, from, now, deadline, policy(spec.getMissedRunPolicy()), CATCH_UP_SLICE);
    if (d.fire().isEmpty() && d.missed().isEmpty()) {
      plan.put(jobId, schedule.next(from.isAfter(now) ? from : now));
      return;
    }
    if (spec.getConcurrencyPolicy() == ConcurrencyPolicy.FORBID && r.getActiveCount() > 0 && settling()) {
      // judged once the previous leader's run is reconciled (its end re-plans the job) or the wait is over
      plan.put(jobId, Optional.of(Instant.ofEpochMilli(leadAtMs + settleMs)));
      return;
    }
    busy.add(jobId);
    Set<Instant> fire = new HashSet<>(d.fire());
    List<Instant> all = new ArrayList<>(d.fire());
    all.addAll(d.missed());
    all.sort(null);
    Future<Void> chain = Future.succeededFuture();
    for (Instant t : all) {
      chain = chain.compose(v -> leading() ? record(jobId, t, fire.contains(t)) : Future.failedFuture("not leading"));
    }
    chain.onComplete(ar -> {
      busy.remove(jobId);
      if (ar.failed()) {
        LOG.warn("job {}: could not record its due instants ({}); retrying", jobId, ar.cause().getMessage());
        if (leading()) vertx.setTimer(RETRY_MS, id -> {
          replan(jobId);
          rearm();
        });
        return;
      }
      replan(jobId);
      rearm();
    });
  }

  private boolean settling() {
    return settleMs > 0 && clock.millis() < leadAtMs + settleMs;
  }

  /** Appends the fire (or the miss) of one instant; an instant already recorded is no error. */
  private Future<Void> record(String jobId, Instant t, boolean fire) {
    JobRecord r = log.view().job(jobId).orElse(null);
    if (r == null || r.getSpec().getSuspended()) return Future.succeededFuture();
    long ms = t.toEpochMilli();
    String runId = runId(jobId, ms);
    Event.Builder e = Event.newBuilder().setTimestampMs(clock.millis());
    if (!fire) {
      e.setJobRunMissed(JobRunMissed.newBuilder().setJobId(jobId).setRunId(runId).setScheduledMs(ms)
          .setReason("past its starting deadline of " + r.getSpec().getStartingDeadlineSeconds()
              + " s when it could be fired, or skipped by missedRunPolicy " + r.getSpec().getMissedRunPolicy()));
    } else if (r.getSpec().getConcurrencyPolicy() == ConcurrencyPolicy.FORBID && r.getActiveCount() > 0) {
      e.setJobRunMissed(JobRunMissed.newBuilder().setJobId(jobId).setRunId(runId).setScheduledMs(ms)
          .setReason("run " + r.getActive(0).getRunId() + " was still active (concurrencyPolicy FORBID)"));
    } else {
      e.setJobRunFired(JobRunFired.newBuilder().setJobId(jobId).setRunId(runId).setScheduledMs(ms));
    }
    return Future.fromCompletionStage(log.append(Proposal.newBuilder().addEvents(e).build()), context)
        .<Void>mapEmpty()
        .recover(err -> Problem.of(err).filter(p -> p.code().equals("run_already_fired")).isPresent()
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** A scheduled run's id: the job and its instant, so the same instant always has the same id. */
  public static String runId(String jobId, long scheduledMs) {
    return jobId + "@" + Instant.ofEpochMilli(scheduledMs);
  }

  private Schedule schedule(JobSpec spec) {
    Long version = scheduleVersions.get(spec.getId());
    if (version != null && version == spec.getVersion()) return schedules.get(spec.getId());
    try {
      Schedule s = Schedule.parse(spec.getSchedule(), spec.getTimezone(), clock.instant());
      schedules.put(spec.getId(), s);
      scheduleVersions.put(spec.getId(), spec.getVersion());
      return s;
    } catch (Schedule.Invalid e) {
      // validated at submit; a schedule that stopped firing (its last year passed) just rests
      LOG.warn("job {}: schedule no longer fires: {}", spec.getId(), e.getMessage());
      return null;
    }
  }

  private static MissedRuns.Policy policy(MissedRunPolicy p) {
    return switch (p) {
      case SKIP -> MissedRuns.Policy.SKIP;
      case RUN_LATEST -> MissedRuns.Policy.RUN_LATEST;
      default -> MissedRuns.Policy.RUN_ALL;
    };
  }
}
