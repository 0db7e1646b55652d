package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.AgentSecret;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Resources;
import io.upone.server.config.SecurityConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API tokens and the agent secret on a 3-node group: 401 without a known token, 403 when the
 * token's role is below the route's class, success at or above it; a follower forwards the
 * caller's identity to the leader; agents and master authenticate each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthTest {
  static final String READ = "read-token-0123456789abcdef";
  static final String WRITE = "write-token-0123456789abcdef";
  static final String ADMIN = "admin-token-0123456789abcdef";
  static final String SECRET = "agent-secret-for-tests-42";

  @TempDir static Path dir;
  static final List<TestNode> nodes = new ArrayList<>();
  static TestNode leader;
  static TestNode follower;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# token role name\n" + READ + " read ops-reader\n" + WRITE + " write deployer\n"
        + ADMIN + " admin root\n");
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(io.upone.server.config.SchedulerConfig.defaults().withAgentTimeout(200, 2000))
          .withSecurity(SecurityConfig.OFF.withTokensFile(tokens).withAgentSecret(SECRET))));
    }
    for (TestNode n : nodes) n.start();
    leader = TestNode.leaderOf(nodes);
    follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    TestNode.await("the group is ready", Duration.ofSeconds(30), () -> as(follower, ADMIN, "GET", "/health", null).status() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    TestNode.closeAll(nodes);
  }

  static RawHttp.Answer as(TestNode n, String token, String method, String path, String body) {
    Map<String, String> h = new HashMap<>();
    if (token != null) h.put("Authorization", "Bearer " + token);
    return RawHttp.send(n.config.httpPort(), method, path, body == null ? null : body.getBytes(), h);
  }

  /** One route of each class: read, write, admin. */
  static Stream<Arguments> routes() {
    return Stream.of(
        Arguments.of("read", "GET", "/v1/apps", null),
        Arguments.of("read", "GET", "/v1/events?follow=false", null),
        Arguments.of("read", "GET", "/metrics", null),
        Arguments.of("read", "GET", "/v1/cluster/members", null),
        Arguments.of("write", "POST", "/v1/apps", "{\"id\": \"/auth/x\", \"cmd\": \"sleep 1\", \"instances\": 0, \"bogus\": 1}"),
        Arguments.of("write", "DELETE", "/v1/apps/auth/nope", null),
        Arguments.of("write", "PUT", "/v1/jobs/auth/nope", "{}"),
        Arguments.of("write", "DELETE", "/v1/tasks/nope", null),
        Arguments.of("admin", "POST", "/v1/cluster/leader", "{\"raft\": \"127.0.0.1:1\"}"),
        Arguments.of("admin", "DELETE", "/v1/cluster/members/127.0.0.1:1", null),
        Arguments.of("admin", "POST", "/v1/framework/teardown", null));
  }

  @ParameterizedTest(name = "{1} {2} needs {0}")
  @MethodSource("routes")
  void eachRouteClassNeedsItsRole(String needs, String method, String path, String body) {
    List<String> order = List.of("read", "write", "admin");
    Map<String, String> tokenOf = Map.of("read", READ, "write", WRITE, "admin", ADMIN);
    for (TestNode n : List.of(leader, follower)) {
      long before = leader.lastEventIndex();
      problem(as(n, null, method, path, body), 401, "unauthenticated");
      problem(as(n, "not-a-token-0123456789", method, path, body), 401, "unauthenticated");
      for (String role : order) {
        RawHttp.Answer a = as(n, tokenOf.get(role), method, path, body);
        if (order.indexOf(role) < order.indexOf(needs)) {
          problem(a, 403, "forbidden");
        } else {
          assertTrue(a.status() != 401 && a.status() != 403, role + " on " + method + " " + path + ": " + a.status() + " " + a.body());
        }
      }
      assertEquals(before, leader.lastEventIndex(), "the requests of this table write nothing");
    }
  }

  private static void problem(RawHttp.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.header("Content-Type").startsWith("application/json"));
    JsonObject p = a.json();
    assertEquals(code, p.getString("code"));
    JsonObject e = p.getJsonArray("errors").getJsonObject(0);
    assertEquals("Authorization", e.getString("field"));
    assertTrue(!e.getString("reason").isBlank());
    if (status == 401) assertEquals("Bearer realm=\"upone\"", a.header("WWW-Authenticate"));
  }

  @Test
  void healthAndTheUiAreOpen() {
    assertEquals(200, as(follower, null, "GET", "/health", null).status());
    assertEquals(200, as(follower, null, "GET", "/", null).status());
  }

  @Test
  void aFollowerForwardsTheCallersIdentity() {
    RawHttp.Answer a = as(follower, WRITE, "POST", "/v1/apps", "{\"id\": \"/auth/fwd\", \"cmd\": \"sleep 1\", \"instances\": 0}");
    assertEquals(201, a.status(), a.body());
    // the leader authenticated the same caller and named it; the follower relays its answer
    assertEquals("deployer", a.header("X-Upone-Caller"));
    RawHttp.Answer del = as(follower, ADMIN, "DELETE", "/v1/apps/auth/fwd", null);
    assertEquals(200, del.status(), del.body());
    assertEquals("root", del.header("X-Upone-Caller"));
  }

  @Test
  void heartbeatsNeedTheAgentSecret() {
    String hb = new JsonObject().put("agentId", "intruder").put("hostname", "evil").put("url", "http://127.0.0.1:1")
        .put("resources", new JsonObject().put("cpus", 64).put("mem", 65536).put("disk", 0)).encode();
    for (TestNode n : List.of(leader, follower)) {
      for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of(AgentSecret.HEADER, "wrong"),
          Map.of("Authorization", "Bearer " + ADMIN))) {
        RawHttp.Answer a = RawHttp.send(n.config.httpPort(), "POST", "/v1/agents/heartbeat", hb.getBytes(), h);
        assertEquals(401, a.status(), a.body());
        assertEquals(AgentSecret.HEADER, a.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        RawHttp.Answer s = RawHttp.send(n.config.httpPort(), "POST", "/v1/agents/status", ("{\"agentId\": \"intruder\", "
            + "\"taskId\": \"t\", \"state\": \"TASK_RUNNING\"}").getBytes(), h);
        assertEquals(401, s.status(), s.body());
      }
    }
    JsonArray agents = as(leader, READ, "GET", "/v1/agents", null).json().getJsonArray("agents");
    assertTrue(agents.stream().noneMatch(o -> "intruder".equals(((JsonObject) o).getString("id"))), agents.encode());
  }

  @Test
  @Order(Integer.MAX_VALUE) // its tasks end after it returns: the tables above check that nothing is written
  void agentsAndMasterAuthenticateEachOther() throws Exception {
    Vertx v = Vertx.vertx();
    try {
      String masters = String.join(",", nodes.stream().map(TestNode::url).toList());
      AgentConfig ac = new AgentConfig(masters, Resources.parse("cpus:2;mem:512;ports:[21000-21010]"), Map.of(),
          dir.resolve("agent-ok"), "host-ok", "127.0.0.1", 0, 200, 1 << 20);
      Agent agent = new Agent(ac, new ProcessExecutor()).secret(SECRET).killTasksOnStop(true);
      v.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      int agentPort = Integer.parseInt(agent.url().substring(agent.url().lastIndexOf(':') + 1));
      // registered: its heartbeats carry the secret
      TestNode.await("the agent registers", Duration.ofSeconds(30), () -> as(leader, READ, "GET", "/v1/agents", null).json()
          .getJsonArray("agents").stream().anyMatch(o -> agent.agentId().equals(((JsonObject) o).getString("id"))));

      // a raw client without the secret can neither launch nor kill nor read
      Path marker = dir.resolve("launched-by-intruder");
      String launch = new JsonArray().add(new JsonObject().put("taskId", "intruder.1").put("appId", "/intruder")
          .put("cmd", "touch " + marker)).encode();
      for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of(AgentSecret.HEADER, "wrong"))) {
        RawHttp.Answer a = RawHttp.send(agentPort, "POST", "/v1/tasks", launch.getBytes(), h);
        assertEquals(401, a.status(), a.body());
        assertEquals(AgentSecret.HEADER, a.json().getJsonArray("errors").getJsonObject(0).getString("field"));
        assertEquals(401, RawHttp.send(agentPort, "DELETE", "/v1/tasks/intruder.1", null, h).status());
        assertEquals(401, RawHttp.send(agentPort, "GET", "/v1/tasks", null, h).status());
      }
      assertTrue(agent.runningPids().isEmpty());
      assertEquals("[]", RawHttp.send(agentPort, "GET", "/v1/tasks", null, Map.of(AgentSecret.HEADER, SECRET)).body(),
          "the refused launch left no task");
      assertTrue(!Files.exists(marker));

      // the master's own launches carry it: an app runs
      assertEquals(201, as(leader, WRITE, "POST", "/v1/apps", "{\"id\": \"/auth/run\", \"cmd\": \"sleep 60\", "
          + "\"instances\": 1, \"cpus\": 0.1, \"mem\": 16}").status());
      TestNode.await("the task runs", Duration.ofSeconds(30), () -> as(leader, READ, "GET", "/v1/apps/auth/run/tasks", null)
          .json().getJsonArray("tasks").stream().anyMatch(o -> "TASK_RUNNING".equals(((JsonObject) o).getString("state"))));
      // and its kills too
      assertEquals(200, as(leader, WRITE, "DELETE", "/v1/apps/auth/run", null).status());
      TestNode.await("the task is killed", Duration.ofSeconds(30), () -> agent.runningPids().isEmpty());
    } finally {
      v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
