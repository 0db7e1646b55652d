package io.upone.core.zone;

import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.command.AppCommands;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppUpdated;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.ZoneCreated;
import io.upone.core.proto.ZoneDeleted;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.proto.ZoneUpdated;
import io.upone.core.state.State;
import java.util.List;

/**
 * Zone requests as proposals, checked against the projection (which checks them again when
 * they commit). Attaching an upstream is an update of the app that publishes it.
 */
public final class ZoneCommands {
  private ZoneCommands() {}

  public static Proposal create(State s, ZoneSpec spec, long nowMs) {
    if (s.zone(spec.getName()).isPresent()) {
      throw Problem.conflict("zone_exists", "zone " + spec.getName() + " already exists; update it with PUT", "name").asFailure();
    }
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setZoneCreated(ZoneCreated.newBuilder().setSpec(spec.toBuilder().setVersion(1))).build());
  }

  public static Proposal update(State s, ZoneSpec spec, long nowMs) {
    ZoneSpec cur = existing(s, spec.getName());
    if (spec.getVersion() != 0 && spec.getVersion() != cur.getVersion()) {
      throw Problem.conflict("stale_version", "zone " + cur.getName() + " is at version " + cur.getVersion()
          + ", not " + spec.getVersion(), "version").asFailure();
    }
    if (spec.getKind() != cur.getKind()) {
      throw Problem.invalid("kind", "a zone keeps its kind (" + ZoneJson.kindName(cur.getKind())
          + "); delete it and create it again").asFailure();
    }
    return one(Event.newBuilder().setTimestampMs(nowMs).setZoneUpdated(ZoneUpdated.newBuilder()
        .setSpec(spec.toBuilder().setVersion(cur.getVersion() + 1)).setPreviousVersion(cur.getVersion())).build());
  }

  public static Proposal delete(State s, String name, long nowMs) {
    ZoneSpec cur = existing(s, name);
    s.apps().stream().filter(a -> Publication.zones(a).contains(name)).map(AppSpec::getId).sorted().findFirst()
        .ifPresent(app -> {
          throw Problem.conflict("zone_in_use", "zone " + name + " still publishes app " + app
              + "; detach its upstream first").asFailure();
        });
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setZoneDeleted(ZoneDeleted.newBuilder().setName(name).setPreviousVersion(cur.getVersion())).build());
  }

  /**
   * Publishes an app in the zone under {@code upstream}. {@code appId} may be null when exactly
   * one app already names that upstream.
   */
  public static Proposal attach(State s, String zone, String upstream, String appId, long nowMs) {
    existing(s, zone);
    if (upstream == null || !Publication.UPSTREAM.matcher(upstream).matches()) {
      throw Problem.invalid("upstream", "must be 1-128 lowercase letters, digits, '_', '.' or '-', starting and ending"
          + " with a letter or digit (load balancers route by the lowercased Host header)").asFailure();
    }
    AppSpec app;
    if (appId != null) {
      app = AppCommands.existing(s, appId);
    } else {
      List<AppSpec> named = s.apps().stream().filter(a -> a.getLoadBalancer().getUpstream().equals(upstream)).toList();
      if (named.size() != 1) {
        throw Problem.invalid("app", named.isEmpty() ? "no app names upstream " + upstream + "; give the app id"
            : named.size() + " apps name upstream " + upstream + "; give the app id").asFailure();
      }
      app = named.get(0);
    }
    if (Publication.zones(app).contains(zone) && app.getLoadBalancer().getUpstream().equals(upstream)) {
      throw Problem.conflict("already_attached", "app " + app.getId() + " is already published in zone " + zone
          + " as " + upstream).asFailure();
    }
    return updateApp(s, app, Publication.withZone(app, zone, upstream, true), nowMs);
  }

  /** Stops publishing {@code upstream} in the zone (the app keeps running). */
  public static Proposal detach(State s, String zone, String upstream, long nowMs) {
    existing(s, zone);
    AppSpec app = s.apps().stream()
        .filter(a -> a.getLoadBalancer().getUpstream().equals(upstream) && Publication.zones(a).contains(zone))
        .findFirst().orElseThrow(() -> Problem.notFound("upstream_not_found",
            "no app is published in zone " + zone + " as " + upstream).asFailure());
    return updateApp(s, app, Publication.withZone(app, zone, null, false), nowMs);
  }

  private static Proposal updateApp(State s, AppSpec cur, AppSpec next, long nowMs) {
    // only what attaching changed is checked: the rest of the spec was valid when it was written
    List<FieldError> errors = AppValidator.validate(next).stream().filter(e -> e.field().startsWith("loadBalancer")).toList();
    if (!errors.isEmpty()) throw Problem.invalid(errors).asFailure();
    AppSpec versioned = next.toBuilder().setVersion(cur.getVersion() + 1).build();
    s.checkPublished(versioned).ifPresent(p -> {
      throw p.asFailure();
    });
    return one(Event.newBuilder().setTimestampMs(nowMs).setAppUpdated(AppUpdated.newBuilder()
        .setSpec(versioned).setPreviousVersion(cur.getVersion())).build());
  }

  public static ZoneSpec existing(State s, String name) {
    return s.zone(name).orElseThrow(() -> Problem.notFound("zone_not_found", "zone " + name + " does not exist").asFailure());
  }

  private static Proposal one(Event e) {
    return Proposal.newBuilder().addEvents(e).build();
  }
}
