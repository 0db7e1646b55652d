package io.upone.core.state;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.zone.Publication;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The load-balancer zones part of the projection: each zone's spec by name, in a persistent map
 * (see {@link State#view()}).
 */
final class ZoneBook {
  private PersistentMap<String, ZoneSpec> zones = PersistentMap.empty();

  /** A copy sharing this one's persistent map: later changes to either leave the other alone. */
  ZoneBook copy() {
    ZoneBook c = new ZoneBook();
    c.zones = zones;
    return c;
  }

  Optional<ZoneSpec> zone(String name) {
    return Optional.ofNullable(zones.get(name));
  }

  Collection<ZoneSpec> zones() {
    return zones.values();
  }

  /** Why a zone event cannot be applied; {@code apps} is every app (a zone in use is not deleted). */
  Optional<Problem> check(Event e, Collection<AppSpec> apps) {
    return switch (e.getPayloadCase()) {
      case ZONE_CREATED -> zones.containsKey(e.getZoneCreated().getSpec().getName())
          ? Optional.of(Problem.conflict("zone_exists", "zone " + e.getZoneCreated().getSpec().getName() + " already exists", "name"))
          : Optional.empty();
      case ZONE_UPDATED -> expectVersion(e.getZoneUpdated().getSpec().getName(), e.getZoneUpdated().getPreviousVersion());
      case ZONE_DELETED -> {
        String name = e.getZoneDeleted().getName();
        Optional<Problem> v = expectVersion(name, e.getZoneDeleted().getPreviousVersion());
        if (v.isPresent()) yield v;
        yield apps.stream().filter(a -> Publication.zones(a).contains(name)).map(AppSpec::getId).sorted().findFirst()
            .map(app -> Problem.conflict("zone_in_use", "zone " + name + " still publishes app " + app
                + "; detach its upstream first"));
      }
      default -> Optional.empty();
    };
  }

  /**
   * An app may be published only in zones that exist, and under an upstream name no other app
   * uses in the same zone (one upstream, one set of servers).
   */
  Optional<Problem> checkPublished(AppSpec app, Collection<AppSpec> apps) {
    List<String> in = Publication.zones(app);
    for (int i = 0; i < in.size(); i++) {
      if (!zones.containsKey(in.get(i))) {
        return Optional.of(Problem.invalid("loadBalancer.zones[" + i + "]", "zone " + in.get(i) + " does not exist"));
      }
    }
    if (in.isEmpty()) return Optional.empty();
    String upstream = app.getLoadBalancer().getUpstream();
    for (AppSpec other : apps) {
      if (other.getId().equals(app.getId()) || !other.getLoadBalancer().getUpstream().equals(upstream)) continue;
      for (String z : Publication.zones(other)) {
        if (in.contains(z)) {
          return Optional.of(Problem.conflict("upstream_taken", "upstream " + upstream + " in zone " + z
              + " is published by app " + other.getId(), "loadBalancer.upstream"));
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Problem> expectVersion(String name, long previous) {
    ZoneSpec z = zones.get(name);
    if (z == null) return Optional.of(Problem.notFound("zone_not_found", "zone " + name + " does not exist"));
    if (z.getVersion() != previous) {
      return Optional.of(Problem.conflict("stale_version", "zone " + name + " is at version " + z.getVersion()
          + ", not " + previous, "version"));
    }
    return Optional.empty();
  }

  // ---- apply ---------------------------------------------------------------------------------

  void apply(Event e) {
    switch (e.getPayloadCase()) {
      case ZONE_CREATED -> zones = zones.put(e.getZoneCreated().getSpec().getName(), e.getZoneCreated().getSpec());
      case ZONE_UPDATED -> zones = zones.put(e.getZoneUpdated().getSpec().getName(), e.getZoneUpdated().getSpec());
      case ZONE_DELETED -> zones = zones.remove(e.getZoneDeleted().getName());
      default -> throw new IllegalArgumentException("not a zone event: " + e.getPayloadCase());
    }
  }

  // ---- snapshot ------------------------------------------------------------------------------

  List<ZoneSpec> sorted() {
    return zones.values().stream().sorted(Comparator.comparing(ZoneSpec::getName)).toList();
  }

  void restore(List<ZoneSpec> specs) {
    for (ZoneSpec z : specs) zones = zones.put(z.getName(), z);
  }
}
