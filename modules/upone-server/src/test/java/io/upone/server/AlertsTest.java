package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.server.alerts.AlertSettings;
import io.upone.server.bus.Addresses;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack alerts of a real node, delivered to a real HTTP receiver that checks the JSON Slack's
 * incoming webhooks take: grouping, dedupe, rate limit, 429, 500, a receiver that is down for a
 * while. Task ends are written to the log as the lifecycle writes them (one proposal for the tasks
 * of a lost agent), so the counts are exact.
 */
class AlertsTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  static SlackReceiver slack;
  static TestNode node;

  /** Quick windows for tests: group 300 ms, repeats held back 10 min, retries capped at 400 ms. */
  static AlertSettings quick() {
    return AlertSettings.defaults().withPacing(300, 600_000, 600, 1000, 400);
  }

  @BeforeAll
  static void start() throws Exception {
    slack = new SlackReceiver().start();
    node = new TestNode(ServerConfig.single(dir.resolve("n"), TestNode.freePort(), TestNode.freePort())
        .withAlerts(quick())).startReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (slack != null) slack.close();
  }

  @AfterEach
  void nothingSlackWouldRefuse() {
    assertEquals(List.of(), slack.violations());
  }

  static JsonObject status(TestNode n) {
    try {
      return n.server.vertx().eventBus().<JsonObject>request(Addresses.ALERTS_STATUS, "status")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void createApp(TestNode n, String id, String channel, String webhook) {
    TestNode.Resp r = n.post("/v1/apps", "{\"id\": \"" + id + "\", \"cmd\": \"sleep 600\", \"cpus\": 0.1, \"mem\": 16, "
        + "\"instances\": 0, \"alerts\": {\"channel\": \"" + channel + "\", \"webhook\": \"" + webhook + "\"}}");
    assertEquals(201, r.status(), r.body());
  }

  /**
   * {@code count} tasks of {@code app} on {@code host} launched and then LOST with their agent, as
   * the lifecycle writes them; returns the index of the last event.
   */
  static long lostWithAgent(TestNode n, String app, String host, int count, String message) throws Exception {
    Proposal.Builder launched = Proposal.newBuilder();
    Proposal.Builder lost = Proposal.newBuilder();
    long now = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      String task = app.substring(1).replace('/', '_') + "." + UUID.randomUUID();
      launched.addEvents(Event.newBuilder().setTimestampMs(now).setTaskLaunched(TaskLaunched.newBuilder().setTaskId(task)
          .setAppId(app).setAppVersion(1).setAgentId("agent-" + host).setHostname(host)));
      lost.addEvents(Event.newBuilder().setTimestampMs(now).setTaskStatusChanged(TaskStatusChanged.newBuilder()
          .setTaskId(task).setState(TaskState.TASK_LOST).setReason("agent_lost").setMessage(message)));
    }
    // one proposal: the lifecycle has no chance to act on tasks that never ran anywhere
    Proposal both = launched.addAllEvents(lost.getEventsList()).build();
    List<Event> committed = n.server.log().append(both).get(30, TimeUnit.SECONDS);
    return committed.get(committed.size() - 1).getIndex();
  }

  static List<SlackReceiver.Received> to(String channel) {
    return slack.accepted().stream().filter(m -> channel.equals(m.body().getString("channel"))).toList();
  }

  @Test
  void badAlertBlocksAre400NamingTheFieldAndWriteNothing() {
    long before = node.lastEventIndex();
    String[][] cases = {
        {"{\"channel\": \"#Team Alerts\"}", "alerts.channel"},
        {"{\"channel\": \"#team\", \"webhook\": \"hooks.slack.com/services/x\"}", "alerts.webhook"},
        {"{\"webhook\": \"ftp://hooks.slack.com/x\"}", "alerts.webhook"},
        {"{\"webhook\": 42}", "alerts.webhook"},
        {"{}", "alerts"},
        {"\"#team\"", "alerts"},
    };
    for (String[] c : cases) {
      TestNode.Resp app = node.post("/v1/apps", "{\"id\": \"/bad/app\", \"cmd\": \"sleep 1\", \"cpus\": 0.1, \"mem\": 16, "
          + "\"alerts\": " + c[0] + "}");
      assertEquals(400, app.status(), c[0] + ": " + app.body());
      assertTrue(app.body().contains("\"" + c[1] + "\""), c[0] + " names " + c[1] + ": " + app.body());
      TestNode.Resp job = node.post("/v1/jobs", "{\"id\": \"/bad/job\", \"schedule\": \"0 3 * * *\", \"cmd\": \"true\", "
          + "\"cpus\": 0.1, \"mem\": 16, \"alerts\": " + c[0] + "}");
      assertEquals(400, job.status(), c[0] + ": " + job.body());
      assertTrue(job.body().contains("\"" + c[1] + "\""), c[0] + " names " + c[1] + ": " + job.body());
    }
    assertEquals(before, node.lastEventIndex(), "nothing written");
  }

  @Test
  void aStormOfLostTasksOnOneAgentIsOneMessageAndARepeatIsHeldBack() throws Exception {
    createApp(node, "/audit/upauditor", "#team-storm", slack.webhook("storm"));
    long last = lostWithAgent(node, "/audit/upauditor", "192.168.14.120", 30, "Slave 192.168.14.120 disconnected");
    TestNode.await("the storm's message", WAIT, () -> to("#team-storm").size() == 1);
    JsonObject body = to("#team-storm").get(0).body();
    String text = body.getString("text");
    assertTrue(text.startsWith("AGENT_LOST \u00d730 - HOST: 192.168.14.120, APP: /audit/upauditor, IMG: sleep 600, CREATED: "),
        text);
    assertTrue(text.contains(", MSG: Slave 192.168.14.120 disconnected\nTASKS: audit_upauditor."), text);
    assertTrue(text.endsWith("(+20 more)"), text);
    assertEquals("upone", body.getString("username"));
    assertEquals(":rotating_light:", body.getString("icon_emoji"));
    assertTrue(to("#team-storm").get(0).path().startsWith("/services/T0UPONE/B0storm/"));
    TestNode.await("the watermark past the storm", WAIT, () -> node.server.log().state().alertsSentThrough() >= last);

    // the same again within the dedupe window: held back, and still recorded as done
    long held = status(node).getLong("heldBack");
    long again = lostWithAgent(node, "/audit/upauditor", "192.168.14.120", 30, "Slave 192.168.14.120 disconnected");
    TestNode.await("the repeat held back", WAIT, () -> status(node).getLong("heldBack") == held + 30);
    TestNode.await("the watermark past the repeat", WAIT, () -> node.server.log().state().alertsSentThrough() >= again);
    assertEquals(1, to("#team-storm").size());
  }

  @Test
  void throttledFailingAndDownReceiversLoseNothingAndGetNothingTwice() throws Exception {
    createApp(node, "/pay/api", "#team-retry", slack.webhook("retry"));
    long retriesBefore = status(node).getLong("retries");
    slack.throttle(2, 1);
    slack.fail(2);
    for (int i = 1; i <= 3; i++) lostWithAgent(node, "/pay/api", "10.0.0." + i, 1, "agent gone");
    TestNode.await("three messages through 429s and 500s", WAIT, () -> to("#team-retry").size() == 3);
    assertTrue(status(node).getLong("retries") >= retriesBefore + 4, status(node).encode());

    // Slack down (connections refused) while five more come, then back
    slack.stop();
    long attempts = status(node).getLong("attempts");
    long last = 0;
    for (int i = 4; i <= 8; i++) last = lostWithAgent(node, "/pay/api", "10.0.0." + i, 1, "agent gone");
    TestNode.await("tries against the receiver that is down", WAIT, () -> status(node).getLong("attempts") >= attempts + 3);
    assertEquals(3, to("#team-retry").size());
    slack.start();
    long lastIndex = last;
    TestNode.await("every message once the receiver is back", WAIT, () -> to("#team-retry").size() >= 8);
    TestNode.await("the watermark past them", WAIT, () -> node.server.log().state().alertsSentThrough() >= lastIndex);
    List<String> hosts = to("#team-retry").stream().map(m -> m.text().replaceAll("^.*HOST: ([0-9.]+),.*$", "$1"))
        .sorted().toList();
    assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"),
        hosts, "each exactly once");
  }

  @Test
  void aChannelPastItsRateWaitsAndStillGetsEverything(@TempDir Path own) throws Exception {
    // 6 a minute: a burst of 6, then one every 10 s
    try (TestNode n = new TestNode(ServerConfig.single(own, TestNode.freePort(), TestNode.freePort())
        .withAlerts(AlertSettings.defaults().withPacing(100, 600_000, 6, 1000, 400))).startReady()) {
      createApp(n, "/rate/app", "#team-rate", slack.webhook("rate"));
      for (int i = 1; i <= 7; i++) lostWithAgent(n, "/rate/app", "10.1.0." + i, 1, "agent gone");
      TestNode.await("all seven, the last after the channel's pause", WAIT, () -> to("#team-rate").size() == 7);
      assertTrue(status(n).getLong("paced") >= 1, status(n).encode());
      Set<String> texts = to("#team-rate").stream().map(SlackReceiver.Received::text).collect(Collectors.toSet());
      assertEquals(7, texts.size());
    }
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaiting(@TempDir Path own) throws Exception {
    try (TestNode n = new TestNode(ServerConfig.single(own, TestNode.freePort(), TestNode.freePort())
        .withAlerts(AlertSettings.defaults().withPacing(60_000, 600_000, 600, 2, 400))).startReady()) {
      createApp(n, "/full/app", "#team-full", slack.webhook("full"));
      long before = n.server.log().state().lastEventIndex();
      // three hosts, three groups, room for two: the third is dropped at once
      for (int i = 1; i <= 3; i++) lostWithAgent(n, "/full/app", "10.2.0." + i, 2, "agent gone");
      TestNode.await("the third group dropped", WAIT, () -> status(n).getLong("dropped") == 2);
      assertEquals(2, status(n).getInteger("grouping"));
      assertTrue(n.server.log().state().lastEventIndex() > before);
      String metrics = n.get("/metrics").body();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("upone_alerts_dropped_total{reason=\"queue_full\"") && l.endsWith(" 2.0")),
          metrics);
      assertTrue(metrics.contains("upone_alerts_queued "), metrics);
    }
  }

  @Test
  void theWatermarkIsRecordedInTheLog() throws Exception {
    createApp(node, "/mark/app", "#team-mark", slack.webhook("mark"));
    long last = lostWithAgent(node, "/mark/app", "10.3.0.1", 1, "agent gone");
    TestNode.await("the message", WAIT, () -> to("#team-mark").size() == 1);
    TestNode.await("AlertsSent in the log", WAIT, () -> node.server.log().state().alertsSentThrough() >= last);
    Set<String> kinds = new HashSet<>();
    node.server.log().read(last, 100).forEach(e -> kinds.add(e.getPayloadCase().name()));
    assertTrue(kinds.contains("ALERTS_SENT"), kinds.toString());
  }
}
