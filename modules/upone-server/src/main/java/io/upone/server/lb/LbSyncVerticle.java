package io.upone.server.lb;

import io.upone.core.command.DeploymentCommands;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.Event;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.upone.lb.HostResolver;
import io.upone.lb.InstanceSync;
import io.upone.lb.LbInstance;
import io.upone.lb.Server;
import io.upone.lb.SyncTimings;
import io.upone.lb.Upstreams;
import io.upone.lb.Upstreams.Key;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.AppsTouched;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Keeps every zone's load balancers serving what the projection says, on the leader only. It
 * derives the upstreams with {@link Upstreams}, recomputes an app's when a committed event
 * touches it, and hands changed upstreams to one {@link InstanceSync} per LB instance, which
 * pushes them through the LB's runtime API and reads them back. On leadership, periodically and
 * when an LB restarts, everything is compared and repaired. A planned kill asks it to drain the
 * task first ({@link DrainGate}).
 */
public final class LbSyncVerticle extends AbstractVerticle {
  private final EventLog log;
  private final SyncTimings timings;
  private final HostResolver resolver;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private LeaderOnly leadership;

  /** What the LBs should serve, per zone and upstream; and which upstreams each app fills. */
  private final Map<Key, List<Server>> desired = new TreeMap<>();
  private final Map<String, Set<Key>> published = new HashMap<>();
  /** Task → app, for the tasks being served: an ended task is gone from the projection. */
  private final Map<String, String> servedBy = new HashMap<>();
  private final Map<String, List<InstanceSync>> syncs = new TreeMap<>();
  private final Set<String> draining = new HashSet<>();
  private AppsTouched recompute;
  /** Blue-green deployments being switched (their id), and those asked for by the last commits (id → app). */
  private final Set<String> switching = new HashSet<>();
  private final Map<String, String> switchAsked = new HashMap<>();
  private long resyncTimer = -1;

  public LbSyncVerticle(EventLog log, SyncTimings timings, HostResolver resolver) {
    this.log = log;
    this.timings = timings;
    this.resolver = resolver;
  }

  @Override
  public void start() {
    recompute = new AppsTouched(context, () -> leadership.leading(), apps -> {
      State now = log.view();
      for (String app : apps) recomputeApp(now, app);
    });
    consumers.add(CommittedFeed.onCommitted(vertx, this::committed));
    consumers.add(vertx.eventBus().<String>localConsumer(Addresses.LB_DRAIN, this::drain));
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.LB_QUERIES, m -> m.reply(status())));
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
    leadership.stop();
  }

  private void lead() {
    State s = log.view();
    rebuildDesired(s);
    for (ZoneSpec z : s.zones()) startZone(z);
    switchPending(s);
    resyncTimer = vertx.setPeriodic(timings.resyncMs(), id -> {
      rebuildDesired(log.view());
      syncs.values().forEach(l -> l.forEach(InstanceSync::resyncAll));
    });
  }

  private void follow() {
    vertx.cancelTimer(resyncTimer);
    syncs.values().forEach(l -> l.forEach(InstanceSync::stop));
    syncs.clear();
    desired.clear();
    published.clear();
    servedBy.clear();
    draining.clear();
    recompute.clear();
    switching.clear();
    switchAsked.clear();
  }

  // ---- desired state -----------------------------------------------------------------------

  /** From scratch; upstreams that changed are marked for every instance of their zone. */
  private void rebuildDesired(State s) {
    Set<String> apps = new HashSet<>(published.keySet());
    for (AppSpec a : s.apps()) apps.add(a.getId());
    for (String app : apps) recomputeApp(s, app);
  }

  private void recomputeApp(State s, String appId) {
    AppSpec app = s.app(appId).orElse(null);
    Map<Key, List<Server>> now = app == null ? Map.of() : Upstreams.ofApp(s, app, resolver, draining);
    Set<Key> before = published.getOrDefault(appId, Set.of());
    for (Key k : before) {
      if (!now.containsKey(k)) {
        desired.remove(k);
        mark(k);
      }
    }
    for (Map.Entry<Key, List<Server>> e : now.entrySet()) {
      List<Server> old = desired.put(e.getKey(), e.getValue());
      if (!e.getValue().equals(old)) mark(e.getKey());
      for (Server sv : e.getValue()) servedBy.put(sv.taskId(), appId);
    }
    if (now.isEmpty()) published.remove(appId);
    else published.put(appId, new HashSet<>(now.keySet()));
  }

  private Map<InstanceSync, Long> mark(Key k) {
    Map<InstanceSync, Long> marks = new HashMap<>();
    for (InstanceSync i : syncs.getOrDefault(k.zone(), List.of())) marks.put(i, i.changed(k.upstream()));
    return marks;
  }

  private List<Server> desiredOf(String zone, String upstream) {
    return desired.getOrDefault(new Key(zone, upstream), List.of());
  }

  private Set<String> desiredNames(String zone) {
    Set<String> out = new TreeSet<>();
    for (Key k : desired.keySet()) if (k.zone().equals(zone)) out.add(k.upstream());
    return out;
  }

  private void startZone(ZoneSpec z) {
    List<InstanceSync> list = new ArrayList<>();
    for (String address : z.getInstancesList()) {
      InstanceSync i = new InstanceSync(vertx, LbInstance.of(vertx, z.getKind(), address),
          up -> desiredOf(z.getName(), up), () -> desiredNames(z.getName()),
          (inst, up, servers, waited) -> vertx.eventBus().publish(Addresses.LB_SYNCED, new JsonObject()
              .put("zone", z.getName()).put("upstream", up).put("instance", inst)
              .put("servers", new JsonArray(servers.stream().map(Server::address).toList())).put("waitedMs", waited)),
          timings);
      list.add(i);
      i.resyncAll();
    }
    syncs.put(z.getName(), list);
  }

  private void stopZone(String name) {
    List<InstanceSync> old = syncs.remove(name);
    if (old != null) old.forEach(InstanceSync::stop);
  }

  // ---- committed events ----------------------------------------------------------------------

  private void committed(Committed c) {
    if (!leadership.leading()) return;
    State s = log.view();
    for (Event e : c.events()) {
      switch (e.getPayloadCase()) {
        case APP_CREATED, APP_UPDATED, APP_DELETED -> recompute.addApp(e);
        case TASK_STATUS_CHANGED -> {
          String id = e.getTaskStatusChanged().getTaskId();
          String app = servedBy.get(id);
          if (app == null) app = s.task(id).map(t -> t.appId()).orElse(null);
          if (app != null && (published.containsKey(app) || s.app(app).map(a -> a.hasLoadBalancer()).orElse(false))) {
            recompute.add(app);
          }
          if (s.task(id).isEmpty()) {
            servedBy.remove(id);
            draining.remove(id);
          }
        }
        case ZONE_CREATED, ZONE_UPDATED -> {
          ZoneSpec z = e.getPayloadCase() == Event.PayloadCase.ZONE_CREATED ? e.getZoneCreated().getSpec() : e.getZoneUpdated().getSpec();
          stopZone(z.getName());
          // apps may have been published there before it existed (they were refused then) or be now
          s.apps().forEach(a -> recompute.add(a.getId()));
          startZone(z);
        }
        case ZONE_DELETED -> stopZone(e.getZoneDeleted().getName());
        case TASK_READY -> s.task(e.getTaskReady().getTaskId()).ifPresent(t -> recompute.add(t.appId()));
        // a blue-green deployment changes which side is served
        case DEPLOYMENT_STARTED -> recompute.add(e.getDeploymentStarted().getAppId());
        case DEPLOYMENT_FINISHED -> recompute.add(e.getDeploymentFinished().getAppId());
        case DEPLOYMENT_PHASE_CHANGED -> {
          if (e.getDeploymentPhaseChanged().getPhase() == DeploymentPhase.SWITCHING) {
            switchAsked.put(e.getDeploymentPhaseChanged().getDeploymentId(), e.getDeploymentPhaseChanged().getAppId());
          }
        }
        default -> { }
      }
    }
    recompute.flush();
    if (!switchAsked.isEmpty()) {
      Map<String, String> asked = new HashMap<>(switchAsked);
      switchAsked.clear();
      context.runOnContext(v -> asked.forEach((dep, app) -> switchOver(app, dep)));
    }
  }

  // ---- drain before a planned kill -------------------------------------------------------------

  private void drain(Message<String> m) {
    String taskId = m.body();
    String app = servedBy.get(taskId);
    if (!leadership.leading() || app == null) {
      m.reply(Boolean.TRUE);
      return;
    }
    draining.add(taskId);
    long timer = vertx.setTimer(timings.drainTimeoutMs(), t -> m.reply(Boolean.FALSE));
    pushed(app).onComplete(ar -> {
      if (vertx.cancelTimer(timer)) m.reply(ar.succeeded()); // else timed out: already answered
    });
  }

  /**
   * Recomputes the app's upstreams, pushes them to every instance of their zones, and completes
   * once each instance confirmed them and its proxying processes use them (Slardar's workers copy
   * the list every second: sampled, then one more worker period for a worker no sample reached).
   * Fails if an instance's sync stops (leadership lost, zone changed).
   */
  private Future<Void> pushed(String appId) {
    State s = log.view();
    AppSpec spec = s.app(appId).orElse(null);
    Map<Key, List<Server>> now = spec == null ? Map.of() : Upstreams.ofApp(s, spec, resolver, draining);
    List<Future<Void>> confirmed = new ArrayList<>();
    List<Supplier<Future<Void>>> applied = new ArrayList<>();
    boolean slardar = false;
    for (Key k : published.getOrDefault(appId, now.keySet())) {
      List<Server> servers = now.getOrDefault(k, List.of());
      desired.put(k, servers);
      for (Map.Entry<InstanceSync, Long> mk : mark(k).entrySet()) {
        InstanceSync sync = mk.getKey();
        confirmed.add(sync.confirmedAfter(k.upstream(), mk.getValue()));
        applied.add(() -> sync.lb().applied(k.upstream(), servers, timings.drainTimeoutMs()));
      }
      slardar |= s.zone(k.zone()).map(z -> z.getKind() == LbKind.SLARDAR).orElse(false);
    }
    long settle = slardar ? timings.settleMs() : 0;
    return Future.all(confirmed).compose(cf -> {
      long confirmedAt = System.currentTimeMillis();
      List<Future<Void>> all = new ArrayList<>();
      for (Supplier<Future<Void>> a : applied) all.add(a.get());
      return Future.all(all).compose(v -> {
        long left = settle - (System.currentTimeMillis() - confirmedAt);
        if (left <= 0) return Future.<Void>succeededFuture();
        Promise<Void> later = Promise.promise();
        vertx.setTimer(left, t -> later.complete());
        return later.future();
      });
    });
  }

  // ---- blue-green switch -------------------------------------------------------------------------

  /**
   * A blue-green deployment whose new set is ready asks for the switch (phase SWITCHING): the
   * app's upstreams now hold only the new tasks ({@link Upstreams}). Once every LB confirmed
   * them, the switch is written (SWITCHED) and the deployment stops the old set. An LB that does
   * not confirm holds the switch (retried) until the deployment's deadline rolls it back.
   */
  private void switchOver(String appId, String deploymentId) {
    if (!leadership.leading() || !switching.add(deploymentId)) return;
    recomputeApp(log.view(), appId);
    pushed(appId).onComplete(ar -> {
      switching.remove(deploymentId);
      if (!leadership.leading()) return;
      Deployment d = log.view().deployment(appId).orElse(null);
      if (d == null || !d.getStarted().getDeploymentId().equals(deploymentId) || d.getPhase() != DeploymentPhase.SWITCHING) {
        return;
      }
      if (ar.failed()) {
        vertx.setTimer(timings.backoffCapMs(), t -> switchOver(appId, deploymentId));
        return;
      }
      Set<String> zones = new TreeSet<>();
      published.getOrDefault(appId, Set.of()).forEach(k -> zones.add(k.zone()));
      log.append(DeploymentCommands.phase(d, DeploymentPhase.SWITCHED,
              "the load balancers serve the new set (confirmed by zone " + String.join(", ", zones) + ")",
              System.currentTimeMillis()))
          .whenComplete((r, t) -> {
            if (t != null) vertx.runOnContext(v -> vertx.setTimer(timings.backoffCapMs(), x -> switchOver(appId, deploymentId)));
          });
    });
  }

  private void switchPending(State s) {
    for (Deployment d : s.activeDeployments()) {
      if (d.getPhase() == DeploymentPhase.SWITCHING) switchOver(d.getStarted().getAppId(), d.getStarted().getDeploymentId());
    }
  }

  // ---- status ----------------------------------------------------------------------------------

  private JsonObject status() {
    JsonObject zones = new JsonObject();
    for (Map.Entry<String, List<InstanceSync>> e : syncs.entrySet()) {
      JsonArray instances = new JsonArray();
      e.getValue().forEach(i -> instances.add(i.status()));
      zones.put(e.getKey(), new JsonObject().put("instances", instances));
    }
    return new JsonObject().put("leading", leadership.leading()).put("zones", zones);
  }
}
