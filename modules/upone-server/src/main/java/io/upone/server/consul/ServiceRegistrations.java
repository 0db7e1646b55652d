package io.upone.server.consul;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.upone.server.bus.AppsTouched;
import io.upone.server.bus.Committed;
import io.upone.server.bus.CommittedFeed;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.Service;
import io.vertx.ext.consul.ServiceOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Consul agent's service instances equal to the RUNNING, healthy tasks of the apps that
 * opt in ({@link ServiceInstances}), on the leader only: committed events recompute the apps they
 * touch and register or deregister the difference; on leadership, every {@code resyncMs} and
 * after a failed call, the agent's list is read back and repaired, removing upone's registrations
 * (meta {@code upone-task}) that no task backs. Calls for one instance go out one after another,
 * so a deregistration never overtakes the registration it undoes.
 */
public final class ServiceRegistrations extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistrations.class);
  private static final long MAX_RETRY_MS = 30_000;

  private final EventLog log;
  private final ConsulConfig config;
  private final ConsulStatus.Part status;
  private ConsulClient client;
  private LeaderOnly leadership;
  private MessageConsumer<Committed> feed;

  /** What should be registered, per app; what upone last registered successfully, by id. */
  private final Map<String, Map<String, ServiceOptions>> desired = new HashMap<>();
  private final Map<String, JsonObject> registered = new HashMap<>();
  private final Map<String, Future<Void>> inFlight = new HashMap<>();
  private AppsTouched recompute;
  private long resyncTimer = -1;
  private long retryTimer = -1;
  private long verifyTimer = -1;
  private long retryMs;
  private long term;

  ServiceRegistrations(EventLog log, ConsulConfig config, ConsulStatus status) {
    this.log = log;
    this.config = config;
    this.status = status.part("services");
  }

  @Override
  public void start() {
    client = ConsulClient.create(vertx, config.clientOptions());
    recompute = new AppsTouched(context, () -> leadership.leading(), apps -> {
      State now = log.view();
      for (String app : apps) apply(now, app);
      verifySoon();
    });
    feed = CommittedFeed.onCommitted(vertx, this::committed);
    leadership = new LeaderOnly(vertx, log, this::lead, this::follow);
    leadership.start();
  }

  @Override
  public void stop() {
    feed.unregister();
    leadership.stop();
    client.close();
  }

  private void lead() {
    term++;
    resync();
    resyncTimer = vertx.setPeriodic(config.resyncMs(), t -> resync());
  }

  private void follow() {
    term++;
    vertx.cancelTimer(resyncTimer);
    vertx.cancelTimer(retryTimer);
    vertx.cancelTimer(verifyTimer);
    retryTimer = -1;
    verifyTimer = -1;
    desired.clear();
    registered.clear();
    inFlight.clear();
    recompute.clear();
  }

  // ---- desired state -------------------------------------------------------------------------

  private void committed(Committed c) {
    if (!leadership.leading()) return;
    State s = log.view();
    for (Event e : c.events()) {
      switch (e.getPayloadCase()) {
        case APP_CREATED, APP_UPDATED, APP_DELETED -> recompute.addApp(e);
        case TASK_STATUS_CHANGED -> {
          String id = e.getTaskStatusChanged().getTaskId();
          String app = s.task(id).map(t -> t.appId()).orElse(null);
          if (app == null) app = appOfRegistered(ServiceInstances.idOf(id));
          if (app != null && (desired.containsKey(app) || s.app(app).flatMap(io.upone.core.ConsulLabels::serviceName).isPresent())) {
            recompute.add(app);
          }
        }
        default -> { }
      }
    }
    recompute.flush();
  }

  private String appOfRegistered(String registrationId) {
    for (Map.Entry<String, Map<String, ServiceOptions>> e : desired.entrySet()) {
      if (e.getValue().containsKey(registrationId)) return e.getKey();
    }
    return null;
  }

  private Map<String, ServiceOptions> desiredOf(State s, String appId) {
    AppSpec app = s.app(appId).orElse(null);
    return app == null ? Map.of() : ServiceInstances.of(s, app);
  }

  /** Sends what differs between the app's instances now and what upone registered. */
  private void apply(State s, String appId) {
    Map<String, ServiceOptions> now = desiredOf(s, appId);
    Map<String, ServiceOptions> before = desired.getOrDefault(appId, Map.of());
    if (now.isEmpty()) desired.remove(appId);
    else desired.put(appId, now);
    for (String id : before.keySet()) if (!now.containsKey(id)) deregister(id);
    for (ServiceOptions o : now.values()) {
      if (!ServiceInstances.comparable(o).equals(registered.get(o.getId()))) register(o);
    }
  }

  // ---- calls to Consul -----------------------------------------------------------------------

  private void register(ServiceOptions o) {
    JsonObject shape = ServiceInstances.comparable(o);
    after(o.getId(), () -> client.registerService(o).onSuccess(v -> registered.put(o.getId(), shape)), "register " + o.getId());
  }

  private void deregister(String id) {
    after(id, () -> client.deregisterService(id).onSuccess(v -> registered.remove(id)), "deregister " + id);
  }

  /** Chains a call after the previous one for the same instance; a failure schedules a resync. */
  private void after(String id, java.util.function.Supplier<Future<Void>> call, String what) {
    long myTerm = term;
    Future<Void> prev = inFlight.getOrDefault(id, Future.succeededFuture());
    Future<Void> next = prev.transform(ignored -> myTerm != term ? Future.<Void>succeededFuture() : call.get())
        .onSuccess(v -> status.ok(0))
        .onFailure(t -> failed(what, t));
    inFlight.put(id, next);
    next.onComplete(ar -> {
      if (inFlight.get(id) == next) inFlight.remove(id);
    });
  }

  private void failed(String what, Throwable t) {
    String why = t.getClass().getSimpleName() + ": " + t.getMessage();
    if (retryTimer < 0) {
      LOG.warn("consul: {} failed ({}); resyncing in {} ms, scheduling goes on", what, why, retryMs == 0 ? 1000 : retryMs);
      retryMs = retryMs == 0 ? 1000 : Math.min(MAX_RETRY_MS, retryMs * 2);
      retryTimer = vertx.setTimer(retryMs, x -> {
        retryTimer = -1;
        resync();
      });
    }
    status.failed(what + ": " + why);
  }

  /**
   * A 200 is not proof that Consul took a registration (a proxy answering garbage says 200 too):
   * a second after a burst of changes the agent's list is read back and compared.
   */
  private void verifySoon() {
    if (verifyTimer >= 0) return;
    verifyTimer = vertx.setTimer(1000, t -> {
      verifyTimer = -1;
      resync();
    });
  }

  /** Reads the agent's services back, removes upone's stale ones and registers what is missing or different. */
  private void resync() {
    if (!leadership.leading()) return;
    long myTerm = term;
    State s = log.view();
    desired.clear();
    for (AppSpec app : s.apps()) {
      Map<String, ServiceOptions> now = ServiceInstances.of(s, app);
      if (!now.isEmpty()) desired.put(app.getId(), now);
    }
    // after the calls in flight, so that the list read back includes them
    Future.join(new ArrayList<>(inFlight.values())).transform(x -> client.localServices()).onComplete(ar -> {
      if (myTerm != term || !leadership.leading()) return;
      if (ar.failed()) {
        failed("reading the agent's services", ar.cause());
        return;
      }
      retryMs = 0;
      status.ok(0);
      registered.clear();
      Set<String> wanted = new HashSet<>();
      desired.values().forEach(m -> wanted.addAll(m.keySet()));
      int stale = 0;
      for (Service sv : ar.result()) {
        boolean ours = sv.getMeta() != null && sv.getMeta().containsKey(ServiceInstances.OWNER_META);
        if (!ours) continue;
        if (!wanted.contains(sv.getId())) {
          stale++;
          deregister(sv.getId());
        } else {
          registered.put(sv.getId(), ServiceInstances.comparable(new ServiceOptions().setName(sv.getName())
              .setTags(sv.getTags()).setAddress(sv.getAddress()).setPort(sv.getPort()).setMeta(sv.getMeta())));
        }
      }
      int sent = 0;
      for (Map<String, ServiceOptions> m : desired.values()) {
        for (ServiceOptions o : m.values()) {
          if (!ServiceInstances.comparable(o).equals(registered.get(o.getId()))) {
            sent++;
            register(o);
          }
        }
      }
      status.fact("instances", wanted.size());
      if (stale > 0 || sent > 0) LOG.info("consul: resync registered {} and removed {} stale instances", sent, stale);
    });
  }
}
