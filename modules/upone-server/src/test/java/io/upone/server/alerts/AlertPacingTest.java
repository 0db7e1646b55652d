package io.upone.server.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grouping, dedupe, rate limit and the watermark: pure, time passed in. */
class AlertPacingTest {
  static final Route TEAM = new Route("https://hooks.slack.com/services/T/B/x", "#team-x");
  static final Route OTHER = new Route("https://hooks.slack.com/services/T/B/x", "#other");

  static Alert lost(long index, String task, String host, String app) {
    return new Alert(index, 1000, AlertKind.AGENT_LOST, TEAM, app, task, host, "busybox", 500, "agent a1 disconnected", null, "a1");
  }

  @Test
  void thirtyLostTasksOfOneAgentAreOneGroupOtherHostsAndChannelsTheirOwn() {
    Grouping g = new Grouping(2000);
    for (int i = 0; i < 30; i++) assertTrue(g.add(lost(10 + i, "t" + i, "192.168.14.120", "/audit/upauditor"), 0, true));
    assertTrue(g.add(lost(50, "u1", "192.168.14.121", "/audit/upauditor"), 100, true));
    assertTrue(g.add(new Alert(51, 1000, AlertKind.AGENT_LOST, OTHER, "/b", "v1", "192.168.14.120", "", 0, "m", null, ""), 100, true));
    assertEquals(3, g.size());
    assertEquals(List.of(), g.due(1999), "the window is still open");
    List<Group> due = g.due(2000);
    assertEquals(1, due.size());
    assertEquals(30, due.get(0).count);
    assertEquals(Map.of("/audit/upauditor", 30), due.get(0).apps);
    assertEquals(2, g.due(2100).size());
  }

  @Test
  void aFullQueueRefusesNewGroupsButNotMoreOfAnOpenOne() {
    Grouping g = new Grouping(2000);
    assertTrue(g.add(lost(1, "t1", "h1", "/a"), 0, true));
    assertTrue(g.add(lost(2, "t2", "h1", "/a"), 0, false), "joins the open group");
    assertFalse(g.add(lost(3, "t3", "h2", "/a"), 0, false), "would need a new group");
    assertEquals(1, g.size());
  }

  @Test
  void aRepeatWithinTheWindowIsHeldBackAndCountedInTheNextOne() {
    Dedupe d = new Dedupe(60_000);
    Grouping g = new Grouping(0);
    g.add(lost(1, "t1", "h1", "/a"), 0, true);
    String key = Dedupe.keyOf(g.due(0).get(0));
    g.add(lost(2, "t2", "h1", "/a"), 0, true);
    assertEquals(key, Dedupe.keyOf(g.due(0).get(0)), "task ids and times do not make a message different");
    assertTrue(d.check(key, 0).send());
    assertFalse(d.check(key, 10_000).send());
    assertFalse(d.check(key, 59_999).send());
    Dedupe.Verdict after = d.check(key, 60_000);
    assertTrue(after.send());
    assertEquals(2, after.held());
    assertEquals(10_000, after.sinceMs());
    assertEquals(0, d.check(key, 120_000).held());
    assertTrue(d.check("another", 10).send());
  }

  @Test
  void theRateLimitLetsABurstThroughThenPacesPerChannel() {
    RateLimit r = new RateLimit(6); // one per 10 s after a burst of 6
    for (int i = 0; i < 6; i++) assertEquals(0, r.take("#a", 0));
    assertEquals(10_000, r.take("#a", 0));
    assertEquals(0, r.take("#b", 0), "channels are paced apart");
    assertEquals(5_000, r.take("#a", 5_000));
    assertEquals(0, r.take("#a", 10_000));
    assertEquals(10_000, r.take("#a", 10_000));
  }

  @Test
  void theWatermarkStopsBeforeTheFirstPendingAlert() {
    Watermark w = new Watermark();
    w.start(4);
    assertEquals(4, w.through());
    w.derived(5);
    w.pending(6);
    w.pending(6);
    w.derived(6);
    w.pending(8);
    w.derived(9);
    assertEquals(5, w.through());
    w.done(Map.of(6L, 2));
    assertEquals(7, w.through());
    w.done(Map.of(8L, 1));
    assertEquals(9, w.through());
    assertEquals(0, w.pendingAlerts());
  }
}
