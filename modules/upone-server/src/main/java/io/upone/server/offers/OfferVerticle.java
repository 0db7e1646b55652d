package io.upone.server.offers;

import io.upone.core.Problem;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.upone.placement.Assignment;
import io.upone.placement.Demand;
import io.upone.placement.Placed;
import io.upone.placement.Placement;
import io.upone.placement.PlacementResult;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LeaderOnly;
import io.upone.server.bus.LocalCodec;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.cron.JobRuns;
import io.upone.server.driver.DriverClient;
import io.upone.server.driver.DriverEvent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offers meet what the lifecycle wants, on the leader: each batch of offers goes through the
 * placement pipeline once, the launches are written to the log ({@code TaskLaunched}) and only
 * then sent to the driver; offers nobody needs are declined. Also answers "why pending" and
 * "what if" from its last placement reports.
 */
public final class OfferVerticle extends AbstractVerticle {
  static final String CODEC = "upone.offers";
  /** An idle decline keeps an agent away this long; new demand revives offers at once anyway. */
  private static final double IDLE_REFUSE_SECONDS = 30;
  /** Offers of a burst placed in its first event-loop turn; each later turn places twice as many ({@link #placeInTurns}). */
  static final int OFFERS_PER_TURN = 25;

  private final EventLog log;
  private final SchedulerConfig config;
  private final Clock clock;
  private final OfferCycle cycle;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final Launching launching = new Launching();
  private final LaunchInputs inputs = new LaunchInputs();
  private DriverClient driver;
  private DeliveryOptions opts;
  private LeaderOnly leadership;
  private Wanted wanted = Wanted.NOTHING;
  private boolean revived;
  /** An offer was declined for lack of demand (with a long filter): new demand must revive. */
  private boolean declinedIdle;
  /** Changes when leadership is lost: chunks of an earlier term are not placed. */
  private long term;

  public OfferVerticle(EventLog log, SchedulerConfig config, Clock clock) {
    this.log = log;
    this.config = config;
    this.clock = clock;
    this.cycle = new OfferCycle(new Placement(config.placement()));
  }

  @Override
  public void start() {
    driver = new DriverClient(vertx);
    opts = LocalCodec.options(vertx, CODEC);
    consumers.add(vertx.eventBus().<Wanted>localConsumer(Addresses.OFFERS_WANTED, m -> wanted(m.body())));
    consumers.add(vertx.eventBus().<DriverEvent>localConsumer(Addresses.DRIVER_OFFERS, m -> {
      // a launch on a rescinded Mesos offer is reported TASK_DROPPED and replaced like any task
      if (m.body() instanceof DriverEvent.Offers o) offers(o);
      else if (m.body() instanceof DriverEvent.Started) driverStarted();
    }));
    consumers.add(vertx.eventBus().<OffersClient.Query>localConsumer(Addresses.OFFERS_QUERIES, this::query));
    // agents' attributes changed (Consul node meta): declined agents may fit now
    consumers.addAll(inputs.listen(vertx, () -> {
      if (leadership.leading() && !demands().isEmpty()) driver.revive();
    }));
    leadership = new LeaderOnly(vertx, log, () -> { }, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
    leadership.stop();
  }

  private void follow() {
    term++;
    wanted = Wanted.NOTHING;
    launching.clear();
    cycle.clear();
    revived = false;
    declinedIdle = false;
  }

  /** A driver starts suppressed: if anything is wanted, revive it. */
  private void driverStarted() {
    revived = false;
    if (leadership.leading()) wanted(wanted);
  }

  /** The lifecycle's latest word; revives or suppresses offers as demand appears and goes. */
  private void wanted(Wanted w) {
    if (!leadership.leading()) return;
    wanted = w;
    launching.seen(w.atIndex());
    boolean demand = !demands().isEmpty();
    if (demand && (!revived || declinedIdle || w.urgent())) {
      driver.revive();
      declinedIdle = false;
    }
    if (!demand && revived) driver.suppress();
    revived = demand;
  }

  /** What is wanted, less what this verticle launched since: app instances, then job runs per job. */
  private List<Demand> demands() {
    List<Demand> out = new ArrayList<>();
    for (Demand d : wanted.apps()) {
      int n = d.count() - launching.ofApp(d.app().getId());
      if (n > 0) out.add(n == d.count() ? d : new Demand(d.app(), n, d.relaxSpread()));
    }
    // relaxed spread: a run goes wherever it fits, however many runs of the job are around
    pendingRuns().forEach((jobId, runs) -> out.add(new Demand(JobRuns.asApp(runs.peekFirst().job(), runs.size()),
        runs.size(), true)));
    return out;
  }

  private Map<String, Deque<JobRuns.PendingRun>> pendingRuns() {
    Map<String, Deque<JobRuns.PendingRun>> out = new LinkedHashMap<>();
    for (JobRuns.PendingRun r : wanted.runs()) {
      if (!launching.hasRun(r.runId())) out.computeIfAbsent(r.job().getId(), k -> new ArrayDeque<>()).add(r);
    }
    return out;
  }

  private void offers(DriverEvent.Offers batch) {
    if (!leadership.leading()) return;
    List<Demand> demands = demands();
    if (demands.isEmpty()) {
      for (Offer offer : batch.offers()) driver.decline(offer.offerId(), IDLE_REFUSE_SECONDS);
      declinedIdle = true;
      return;
    }
    int wantedTasks = 0;
    for (Demand d : demands) wantedTasks += d.count();
    // a burst that (nearly) every offer will take part in is placed a chunk of offers at a time, each
    // chunk's launches proposed at once: the first ACCEPT waits for one small commit, not the whole
    // burst's; a small demand is placed over every offer at once, so it gets the best of them
    int chunk = wantedTasks >= batch.offers().size() ? OFFERS_PER_TURN : batch.offers().size();
    placeInTurns(batch.offers(), inputs.agents(batch.agents()), 0, chunk, term);
  }

  /**
   * Places offers {@code from} to {@code from + chunk} against what is still wanted (launches of
   * the earlier chunks count as in flight), proposes their launches, then yields the event loop
   * before the next chunk, so that the commit (and ACCEPTs) of the first one is not held behind
   * the rest. Spread is over every agent the driver knows, so chunks do not pile tasks up.
   */
  private void placeInTurns(List<Offer> offers, Map<String, ClusterDriver.Agent> agents, int from, int chunk,
                            long termAtStart) {
    if (termAtStart != term) return; // leadership was lost meanwhile: the driver dropped these offers
    int to = Math.min(offers.size(), from + chunk);
    List<Offer> these = offers.subList(from, to);
    List<Demand> demands = demands();
    if (demands.isEmpty()) { // the earlier chunks took it all
      for (Offer offer : offers.subList(from, offers.size())) driver.decline(offer.offerId(), config.refuseSeconds());
      return;
    }
    long now = clock.millis();
    Map<String, AppSpec> apps = new HashMap<>();
    for (Demand d : demands) apps.put(d.app().getId(), d.app());
    Map<String, Deque<JobRuns.PendingRun>> runs = pendingRuns();
    PlacementResult placed = cycle.place(log.view(), demands, inputs.offers(these), agents, now);
    Map<String, List<Assignment>> byOffer = new LinkedHashMap<>();
    for (Assignment a : placed.assignments()) byOffer.computeIfAbsent(a.offerId(), k -> new ArrayList<>()).add(a);
    for (Offer offer : these) {
      List<Assignment> here = byOffer.get(offer.offerId());
      if (here == null) driver.decline(offer.offerId(), config.refuseSeconds());
      else launch(reserve(offer, here, apps, runs), now);
    }
    // each chunk twice the last: the first ACCEPTs leave early, the rest of the burst in few turns
    if (to < offers.size()) context.runOnContext(v -> placeInTurns(offers, agents, to, chunk * 2, termAtStart));
  }

  /** Gives the offer's tasks their ids and counts them in flight at once: the next placement sees them. */
  private PlannedLaunch reserve(Offer offer, List<Assignment> placed, Map<String, AppSpec> apps,
                                Map<String, Deque<JobRuns.PendingRun>> runs) {
    List<PlannedLaunch.Task> tasks = new ArrayList<>(placed.size());
    for (Assignment pl : placed) {
      AppSpec app = apps.get(pl.appId());
      Deque<JobRuns.PendingRun> jobRuns = runs.get(app.getId());
      JobRuns.PendingRun run = jobRuns == null ? null : jobRuns.pollFirst();
      if (jobRuns != null && run == null) continue;
      String taskId = TaskIds.next(app.getId());
      launching.add(taskId, app.getId(), run == null ? "" : run.runId());
      cycle.launching(taskId, new Placed(taskId, app.getId(), offer.agentId(), app.getLabelsMap()));
      tasks.add(new PlannedLaunch.Task(taskId, app, pl, run));
    }
    return new PlannedLaunch(offer, tasks);
  }

  private void launch(PlannedLaunch planned, long now) {
    Offer offer = planned.offer();
    if (planned.tasks().isEmpty()) { // its job runs went to other offers
      driver.decline(offer.offerId(), config.refuseSeconds());
      return;
    }
    Proposal.Builder p = Proposal.newBuilder();
    List<TaskLaunch> launches = new ArrayList<>(planned.tasks().size());
    for (PlannedLaunch.Task t : planned.tasks()) {
      AppSpec app = t.app();
      Assignment pl = t.assignment();
      JobRuns.PendingRun run = t.run();
      TaskLaunched.Builder launched = TaskLaunched.newBuilder()
          .setTaskId(t.taskId()).setAppId(app.getId()).setAppVersion(app.getVersion()).setAgentId(offer.agentId())
          .setHostname(offer.hostname()).addAllHostPorts(pl.hostPorts());
      if (run != null) launched.setRunId(run.runId());
      p.addEvents(Event.newBuilder().setTimestampMs(now).setTaskLaunched(launched));
      launches.add(TaskLaunch.of(t.taskId(), app, offer.agentId(), run != null ? JobRuns.env(run) : inputs.env(app),
          pl.hostPorts()));
    }
    // written to the log first: a new leader knows every task that may exist
    Future.fromCompletionStage(log.append(p.build()), context).onComplete(ar -> {
      for (TaskLaunch l : launches) cycle.launchWritten(l.taskId());
      if (ar.succeeded() && leadership.leading()) {
        List<Event> committed = ar.result();
        launching.committed(launches.stream().map(TaskLaunch::taskId).toList(), committed.get(committed.size() - 1).getIndex());
        driver.launch(offer.offerId(), launches);
      } else {
        for (TaskLaunch l : launches) launching.remove(l.taskId());
        driver.decline(offer.offerId(), 1);
      }
    });
  }

  // ---- questions from the API -----------------------------------------------------------------

  private void query(Message<OffersClient.Query> m) {
    if (!leadership.leading()) {
      m.reply(new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "this node is not the leader; retry", List.of()), opts);
      return;
    }
    if (m.body() instanceof OffersClient.WhyPending q) {
      int missing = Math.max(0, wanted.missing().getOrDefault(q.appId(), 0) - launching.ofApp(q.appId()));
      m.reply(cycle.report(q.appId())
          .map(r -> new PlacementStatus(missing, r.report(), r.atMs(), cycle.lastOffersAtMs()))
          .orElseGet(() -> new PlacementStatus(missing, null, 0, cycle.lastOffersAtMs())), opts);
    } else if (m.body() instanceof OffersClient.WhatIf q) {
      driver.capacity().compose(capacity -> driver.agents().map(agents -> {
        State s = log.view();
        return cycle.whatIf(s, q.app(), inputs.capacity(capacity), inputs.agents(agents));
      })).onSuccess(r -> m.reply(r, opts)).onFailure(t -> m.reply(Problem.of(t).orElse(
          new Problem(Problem.Kind.UNAVAILABLE, "driver_unavailable", "the cluster driver did not answer: " + t.getMessage(),
              List.of())), opts));
    }
  }
}
