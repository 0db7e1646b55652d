package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated bad requests ({@link BadRequests}), each sent to the leader and to a follower
 * of one 3-node group: every answer is a 4xx with a JSON problem naming the field, and no
 * event is appended on any member.
 */
class GeneratedBadInputTest {
  @TempDir static Path dir;
  static final List<TestNode> nodes = new ArrayList<>();
  static TestNode leader;
  static TestNode follower;

  @BeforeAll
  static void start() throws Exception {
    for (ServerConfig c : TestNode.group(dir)) nodes.add(new TestNode(c));
    for (TestNode n : nodes) n.start();
    leader = TestNode.leaderOf(nodes);
    follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    assertEquals(201, leader.post("/v1/apps", "{\"id\": \"" + BadRequests.APP + "\", \"cmd\": \"sleep 100\", \"instances\": 0}").status());
    assertEquals(201, leader.post("/v1/jobs", "{\"id\": \"" + BadRequests.JOB + "\", \"schedule\": \"0 * * * *\", "
        + "\"cmd\": \"true\", \"suspended\": true}").status());
    long index = leader.lastEventIndex();
    TestNode.await("every member has the fixtures", Duration.ofSeconds(30),
        () -> nodes.stream().allMatch(n -> n.lastEventIndex() == index));
  }

  @AfterAll
  static void stop() throws Exception {
    TestNode.closeAll(nodes);
  }

  static Stream<BadRequests.Case> cases() {
    return BadRequests.all().stream();
  }

  @Test
  void theSuiteIsAtLeastAsWideAsTheIssues() {
    assertTrue(BadRequests.all().size() >= 586, "cases: " + BadRequests.all().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithAJsonProblemAndNothingWritten(BadRequests.Case c) {
    long[] before = indexes();
    for (TestNode n : List.of(leader, follower)) {
      String who = n == leader ? "leader" : "follower";
      RawHttp.Answer a = RawHttp.send(n.config.httpPort(), c.method(), c.target(), c.body(), Map.of());
      assertTrue(a.status() >= 400 && a.status() < 500, who + ": " + c.name() + " → " + a.status() + " " + a.body());
      assertNotNull(a.header("Content-Type"), who + ": no Content-Type");
      assertTrue(a.header("Content-Type").startsWith("application/json"), who + ": " + a.header("Content-Type"));
      JsonObject p = a.json();
      assertTrue(p.getString("code") != null && !p.getString("message", "").isBlank(), who + ": " + a.body());
      JsonArray errors = p.getJsonArray("errors");
      List<String> accepted = Arrays.asList(c.field().split("\\|"));
      boolean named = errors != null && errors.stream().map(JsonObject.class::cast).anyMatch(e ->
          !e.getString("reason", "").isBlank() && accepted.stream().anyMatch(f -> names(e.getString("field", ""), f)));
      assertTrue(named, who + ": " + c.name() + ": expected an error on " + c.field() + " in " + a.body());
    }
    assertTrue(Arrays.equals(before, indexes()), c.name() + ": nothing may be written");
  }

  private static boolean names(String field, String expected) {
    return field.equals(expected) || field.startsWith(expected + ".") || field.startsWith(expected + "[");
  }

  private static long[] indexes() {
    return nodes.stream().mapToLong(TestNode::lastEventIndex).toArray();
  }
}
