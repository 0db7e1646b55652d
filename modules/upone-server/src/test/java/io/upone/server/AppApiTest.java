package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app resource against a real single-node server. */
class AppApiTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.single(dir).startReady();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static final String MARATHON_APP = """
      {
        "id": "/shop/web",
        "cmd": "python3 -m http.server $PORT0",
        "cpus": 0.25, "mem": 128, "disk": 10, "instances": 2,
        "env": {"MODE": "prod"},
        "labels": {"team": "shop"},
        "portDefinitions": [{"port": 0, "name": "http", "protocol": "tcp"}],
        "constraints": [["hostname", "UNIQUE"], ["rack", "GROUP_BY", "2"]],
        "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0, "intervalSeconds": 10, "timeoutSeconds": 5}],
        "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.2},
        "loadBalancer": {"zone": "hz", "upstream": "shop-web"},
        "alertChannel": "#shop-alerts"
      }""";

  @Test
  void createGetListUpdateScaleDelete() {
    // an app is published only in a zone that exists
    node.post("/v1/zones", "{\"name\": \"hz\", \"kind\": \"haproxy\", \"instances\": [\"127.0.0.1:9\"]}");
    TestNode.Resp created = node.post("/v1/apps", MARATHON_APP);
    assertEquals(201, created.status(), created.body());
    assertEquals("/v1/apps/shop/web", created.header("Location"));
    assertNotNull(created.header("X-Upone-Event-Index"));
    JsonObject app = created.json();
    assertEquals("/shop/web", app.getString("id"));
    assertEquals(1, app.getLong("version"));
    assertEquals(2, app.getInteger("instances"));
    assertEquals(new JsonArray().add("hostname").add("UNIQUE"), app.getJsonArray("constraints").getJsonArray(0));
    assertEquals("shop-web", app.getJsonObject("loadBalancer").getString("upstream"));

    TestNode.Resp got = node.get("/v1/apps/shop/web");
    assertEquals(200, got.status());
    assertEquals(app.getString("cmd"), got.json().getString("cmd"));
    assertEquals(0, got.json().getInteger("tasksRunning"));

    JsonArray apps = node.get("/v1/apps").json().getJsonArray("apps");
    assertTrue(apps.stream().map(a -> ((JsonObject) a).getString("id")).anyMatch("/shop/web"::equals));

    // PUT replaces the definition; the body may leave the id out
    JsonObject next = new JsonObject(MARATHON_APP).put("cpus", 0.5).put("version", 1);
    next.remove("id");
    TestNode.Resp updated = node.put("/v1/apps/shop/web", next.encode());
    assertEquals(200, updated.status(), updated.body());
    assertEquals(2, updated.json().getLong("version"));
    assertEquals(0.5, updated.json().getDouble("cpus"));

    TestNode.Resp scaled = node.put("/v1/apps/shop/web/instances", "{\"instances\": 5}");
    assertEquals(200, scaled.status(), scaled.body());
    assertEquals(5, scaled.json().getInteger("instances"));
    assertEquals(3, scaled.json().getLong("version"));

    TestNode.Resp deleted = node.delete("/v1/apps/shop/web");
    assertEquals(200, deleted.status(), deleted.body());
    assertEquals(404, node.get("/v1/apps/shop/web").status());
  }

  @Test
  void relativeIdsAreMadeAbsoluteAndDefaultsFollowMarathon() {
    TestNode.Resp r = node.post("/v1/apps", "{\"id\": \"plain\", \"cmd\": \"sleep 100\"}");
    assertEquals(201, r.status(), r.body());
    JsonObject app = r.json();
    assertEquals("/plain", app.getString("id"));
    assertEquals(1.0, app.getDouble("cpus"));
    assertEquals(128.0, app.getDouble("mem"));
    assertEquals(1, app.getInteger("instances"));
    assertEquals(1, app.getJsonArray("portDefinitions").size(), "one dynamic port by default");
  }

  @Test
  void updateWithoutVersionIsUnconditional() {
    assertEquals(201, node.post("/v1/apps", "{\"id\": \"/free\", \"cmd\": \"sleep 1\"}").status());
    assertEquals(200, node.put("/v1/apps/free", "{\"cmd\": \"sleep 2\"}").status());
    TestNode.Resp r = node.put("/v1/apps/free", "{\"cmd\": \"sleep 3\"}");
    assertEquals(200, r.status(), r.body());
    assertEquals(3, r.json().getLong("version"));
    assertEquals("sleep 3", node.get("/v1/apps/free").json().getString("cmd"));
  }

  @Test
  void healthClusterAndMetricsAnswer() {
    TestNode.Resp h = node.get("/health");
    assertEquals(200, h.status());
    assertEquals("ok", h.json().getString("status"));
    JsonObject c = node.get("/v1/cluster").json();
    assertEquals("leader", c.getString("role"));
    assertEquals(node.config.self().raftEndpoint(), c.getJsonObject("leader").getString("raft"));
    assertEquals(1, c.getJsonArray("members").size());
    String metrics = node.get("/metrics").body();
    assertTrue(metrics.contains("upone_apps "), metrics);
    assertTrue(metrics.contains("upone_events_committed_total"), metrics);
    assertTrue(metrics.contains("vertx_http_server_requests"), "Vert.x HTTP metrics are exported");
  }
}
