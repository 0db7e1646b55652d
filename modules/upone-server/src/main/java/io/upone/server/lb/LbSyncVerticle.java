package io.upone.server.lb;

import io.upone.core.proto.AppSpec;
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
  private long resyncTimer = -1;

  public LbSyncVerticle(EventLog log, SyncTimings timings, HostResolver resolver) {
    this.log = log;
    this.timings = timings;
    this.resolver = resolver;
  }

  @Override
  public void start() {
    recompute = new AppsTouched(context, () -> leadership.leading(), apps -> {
      State now = log.state();
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
    State s = log.state();
    rebuildDesired(s);
    for (ZoneSpec z : s.zones()) startZone(z);
    resyncTimer = vertx.setPeriodic(timings.resyncMs(), id -> {
      rebuildDesired(log.state());
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
    State s = log.state();
    for (Event e : c.events()) {
      switch (e.getPayloadCase()) {
        case APP_CREATED -> recompute.add(e.getAppCreated().getSpec().getId());
        case APP_UPDATED -> recompute.add(e.getAppUpdated().getSpec().getId());
        case APP_DELETED -> recompute.add(e.getAppDeleted().getAppId());
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
        default -> { }
      }
    }
    recompute.flush();
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
    Set<Key> keys = published.getOrDefault(app, Set.of());
    State s = log.state();
    AppSpec spec = s.app(app).orElse(null);
    Map<Key, List<Server>> now = spec == null ? Map.of() : Upstreams.ofApp(s, spec, resolver, draining);
    List<Future<Void>> confirmed = new ArrayList<>();
    List<java.util.function.Supplier<Future<Void>>> applied = new ArrayList<>();
    boolean slardar = false;
    for (Key k : keys) {
      List<Server> servers = now.getOrDefault(k, List.of());
      desired.put(k, servers);
      for (Map.Entry<InstanceSync, Long> mk : mark(k).entrySet()) {
        InstanceSync sync = mk.getKey();
        confirmed.add(sync.confirmedAfter(k.upstream(), mk.getValue()));
        applied.add(() -> sync.lb().applied(k.upstream(), servers, timings.drainTimeoutMs()));
      }
      slardar |= log.state().zone(k.zone()).map(z -> z.getKind() == LbKind.SLARDAR).orElse(false);
    }
    long settle = slardar ? timings.settleMs() : 0;
    long timer = vertx.setTimer(timings.drainTimeoutMs(), t -> m.reply(Boolean.FALSE));
    long[] confirmedAt = new long[1];
    Future.all(confirmed).compose(cf -> {
      confirmedAt[0] = System.currentTimeMillis();
      // confirmed in the LB's store; now until its proxying processes use it (Slardar's workers copy it every second)
      List<Future<Void>> all = new ArrayList<>();
      for (java.util.function.Supplier<Future<Void>> a : applied) all.add(a.get());
      return Future.all(all).<Void>mapEmpty();
    }).onComplete(ar -> {
      if (!vertx.cancelTimer(timer)) return; // timed out: already answered
      // and at least one worker timer period after the confirmation, for a worker no sample reached
      long left = settle - (System.currentTimeMillis() - confirmedAt[0]);
      if (left > 0) vertx.setTimer(left, t -> m.reply(ar.succeeded()));
      else m.reply(ar.succeeded());
    });
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
