package io.upone.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.LoadBalancer;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.ZoneCreated;
import io.upone.core.proto.ZoneDeleted;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.proto.ZoneUpdated;
import io.upone.core.zone.Publication;
import io.upone.core.zone.ZoneCommands;
import io.upone.core.zone.ZoneJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zones in the projection: created, updated, deleted only when unused; apps published only where zones exist. */
class ZoneStateTest {
  private long entry = 1;

  private void apply(State s, Event e) {
    s.applyProposal(Proposal.newBuilder().addEvents(e).build(), entry++, 1);
  }

  private Problem refused(State s, Event e) {
    return assertThrows(Problem.Failure.class, () -> apply(s, e)).problem();
  }

  static ZoneSpec zone(String name, long version) {
    return ZoneSpec.newBuilder().setName(name).setKind(LbKind.HAPROXY).addInstances("127.0.0.1:9999").setVersion(version).build();
  }

  static AppSpec published(String id, String upstream, String... zones) {
    return Events.spec(id, 1).toBuilder()
        .setLoadBalancer(LoadBalancer.newBuilder().setUpstream(upstream).addAllZones(List.of(zones))).build();
  }

  @Test
  void zonesAreProjectedSnapshottedAndCheckedLikeApps() {
    State s = new State();
    apply(s, Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(zone("edge", 1))).build());
    assertEquals("zone_exists", refused(s, Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(zone("edge", 1))).build()).code());
    apply(s, Event.newBuilder().setZoneUpdated(ZoneUpdated.newBuilder().setSpec(zone("edge", 2).toBuilder().addInstances("127.0.0.1:9998"))
        .setPreviousVersion(1)).build());
    assertEquals(2, s.zone("edge").orElseThrow().getInstancesCount());
    assertEquals("stale_version", refused(s, Event.newBuilder().setZoneUpdated(ZoneUpdated.newBuilder().setSpec(zone("edge", 2))
        .setPreviousVersion(1)).build()).code());

    // an app in an unknown zone is refused at apply time too (a race with a zone delete)
    assertEquals("loadBalancer.zones[0]", refused(s, Events.created(published("/a", "a.up", "nowhere"), 1)).errors().get(0).field());
    apply(s, Events.created(published("/a", "a.up", "edge"), 1));
    assertEquals("upstream_taken", refused(s, Events.created(published("/b", "a.up", "edge"), 1)).code());
    assertEquals("zone_in_use", refused(s, Event.newBuilder().setZoneDeleted(ZoneDeleted.newBuilder().setName("edge").setPreviousVersion(2)).build()).code());

    State restored = State.restore(s.snapshot());
    assertEquals(s.hash(), restored.hash());
    assertEquals(s.zone("edge"), restored.zone("edge"));

    apply(s, Events.deleted("/a", 1, 2));
    apply(s, Event.newBuilder().setZoneDeleted(ZoneDeleted.newBuilder().setName("edge").setPreviousVersion(2)).build());
    assertTrue(s.zone("edge").isEmpty());
  }

  @Test
  void attachAndDetachAreAppUpdates() {
    State s = new State();
    apply(s, Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(zone("edge", 1))).build());
    apply(s, Events.created(Events.spec("/web", 1).toBuilder().addPortDefinitions(io.upone.core.proto.PortDefinition.newBuilder()).build(), 1));
    Proposal p = ZoneCommands.attach(s, "edge", "web.upone", "/web", 5);
    apply(s, p.getEvents(0));
    AppSpec app = s.app("/web").orElseThrow();
    assertEquals(List.of("edge"), Publication.zones(app));
    assertEquals("web.upone", app.getLoadBalancer().getUpstream());
    assertEquals(2, app.getVersion());
    assertEquals("already_attached", assertThrows(Problem.Failure.class, () -> ZoneCommands.attach(s, "edge", "web.upone", null, 5)).problem().code());
    assertEquals("zone_not_found", assertThrows(Problem.Failure.class, () -> ZoneCommands.attach(s, "nope", "web.upone", "/web", 5)).problem().code());
    apply(s, ZoneCommands.detach(s, "edge", "web.upone", 6).getEvents(0));
    assertEquals(List.of(), Publication.zones(s.app("/web").orElseThrow()));
    assertEquals("upstream_not_found", assertThrows(Problem.Failure.class, () -> ZoneCommands.detach(s, "edge", "web.upone", 7)).problem().code());
  }

  @Test
  void zoneJsonNamesEveryBadField() {
    Problem p = assertThrows(Problem.Failure.class, () -> ZoneJson.read("{\"name\": \"Edge\", \"kind\": \"nginx\", \"instances\": [\"x\", 3], \"extra\": 1}", null)).problem();
    List<String> fields = p.errors().stream().map(io.upone.core.FieldError::field).toList();
    assertTrue(fields.containsAll(List.of("name", "kind", "instances[0]", "instances[1]", "extra")), fields.toString());
    ZoneSpec z = ZoneJson.read("{\"name\": \"edge\", \"kind\": \"Slardar\", \"instances\": [\"127.0.0.1:1995\"]}", null);
    assertEquals(LbKind.SLARDAR, z.getKind());
    assertEquals("slardar", ZoneJson.write(z).get("kind").asText());
  }
}
