package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad request gets a 4xx with {code, message, errors:[{field, reason}]} naming the field,
 * and nothing is appended to the log.
 */
class BadInputTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.single(dir).startReady();
    assertEquals(201, node.post("/v1/apps", "{\"id\": \"/exists\", \"cmd\": \"sleep 100\"}").status());
    assertEquals(200, node.put("/v1/apps/exists", "{\"cmd\": \"sleep 200\"}").status()); // now version 2
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static final String OK = "\"cmd\": \"sleep 1\"";

  static Stream<Arguments> table() {
    return Stream.of(
        row("malformed JSON", "POST", "/v1/apps", "{\"id\": \"/a\", ", 400, "malformed_json", "$"),
        row("not an object", "POST", "/v1/apps", "[1, 2]", 400, "invalid_request", "$"),
        row("empty body", "POST", "/v1/apps", "", 400, "invalid_request", "$"),
        row("duplicate key", "POST", "/v1/apps", "{\"id\": \"/a\", \"id\": \"/b\", " + OK + "}", 400, "malformed_json", "$"),
        row("unknown field", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"instancez\": 2}", 400, "invalid_request", "instancez"),
        row("unknown nested field", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"upgradeStrategy\": {\"minimumHealth\": 1}}", 400, "invalid_request", "upgradeStrategy.minimumHealth"),
        row("cpus wrong type", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"cpus\": \"two\"}", 400, "invalid_request", "cpus"),
        row("instances not integer", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"instances\": 1.5}", 400, "invalid_request", "instances"),
        row("env value not string", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"env\": {\"A\": 1}}", 400, "invalid_request", "env.A"),
        row("zero cpus", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"cpus\": 0}", 400, "invalid_request", "cpus"),
        row("negative mem", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"mem\": -64}", 400, "invalid_request", "mem"),
        row("negative disk", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"disk\": -1}", 400, "invalid_request", "disk"),
        row("negative instances", "POST", "/v1/apps", "{\"id\": \"/a\", " + OK + ", \"instances\": -1}", 400, "invalid_request", "instances"),
        row("duplicate host ports", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"portDefinitions\": [{\"port\": 8080}, {\"port\": 8080}]}", 400, "invalid_request", "portDefinitions[1].port"),
        row("duplicate container ports", "POST", "/v1/apps",
            "{\"id\": \"/a\", \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"nginx\"}, \"portMappings\": "
                + "[{\"containerPort\": 80}, {\"containerPort\": 80}]}, \"networks\": [{\"mode\": \"container/bridge\"}]}",
            400, "invalid_request", "container.portMappings[1].containerPort"),
        row("uppercase id", "POST", "/v1/apps", "{\"id\": \"/Web\", " + OK + "}", 400, "invalid_request", "id"),
        row("empty segment id", "POST", "/v1/apps", "{\"id\": \"/a//b\", " + OK + "}", 400, "invalid_request", "id"),
        row("reserved segment id", "POST", "/v1/apps", "{\"id\": \"/a/instances\", " + OK + "}", 400, "invalid_request", "id"),
        row("missing id", "POST", "/v1/apps", "{" + OK + "}", 400, "invalid_request", "id"),
        row("no command", "POST", "/v1/apps", "{\"id\": \"/a\"}", 400, "invalid_request", "cmd"),
        row("bad constraint operator", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"constraints\": [[\"hostname\", \"SOMETIMES\"]]}", 400, "invalid_request", "constraints[0]"),
        row("bad LIKE regex", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"constraints\": [[\"rack\", \"LIKE\", \"[a-\"]]}", 400, "invalid_request", "constraints[0]"),
        row("bad consul service name", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"labels\": {\"consul\": \"web service\"}}", 400, "invalid_request", "labels.consul"),
        row("bad consul port index", "POST", "/v1/apps",
            "{\"id\": \"/a\", " + OK + ", \"labels\": {\"consul\": \"true\", \"consul-port-index\": \"first\"}}", 400, "invalid_request",
            "labels.consul-port-index"),
        row("create existing", "POST", "/v1/apps", "{\"id\": \"/exists\", " + OK + "}", 409, "app_exists", "id"),
        row("stale version", "PUT", "/v1/apps/exists", "{" + OK + ", \"version\": 1}", 409, "stale_version", "version"),
        row("stale version on scale", "PUT", "/v1/apps/exists/instances", "{\"instances\": 3, \"version\": 1}", 409, "stale_version", "version"),
        row("id differs from path", "PUT", "/v1/apps/exists", "{\"id\": \"/other\", " + OK + "}", 400, "invalid_request", "id"),
        row("unknown app GET", "GET", "/v1/apps/nope", null, 404, "app_not_found", "id"),
        row("unknown app PUT", "PUT", "/v1/apps/nope", "{" + OK + "}", 404, "app_not_found", null),
        row("unknown app DELETE", "DELETE", "/v1/apps/nope", null, 404, "app_not_found", "id"),
        row("unknown app scale", "PUT", "/v1/apps/nope/instances", "{\"instances\": 1}", 404, "app_not_found", null),
        row("scale without instances", "PUT", "/v1/apps/exists/instances", "{}", 400, "invalid_request", "instances"),
        row("scale negative", "PUT", "/v1/apps/exists/instances", "{\"instances\": -2}", 400, "invalid_request", "instances"),
        row("scale wrong type", "PUT", "/v1/apps/exists/instances", "{\"instances\": \"3\"}", 400, "invalid_request", "instances"),
        row("events from 0", "GET", "/v1/events?from=0", null, 400, "invalid_request", "from"),
        row("events from text", "GET", "/v1/events?from=abc", null, 400, "invalid_request", "from"),
        row("unknown route", "GET", "/v2/apps", null, 404, "no_such_route", "path"),
        row("wrong method", "DELETE", "/v1/apps", null, 405, "method_not_allowed", "method"),
        row("agent status without taskId", "POST", "/v1/agents/status",
            "{\"agentId\": \"a1\", \"state\": \"TASK_RUNNING\"}", 400, "invalid_request", "taskId"),
        row("agent status with unknown state", "POST", "/v1/agents/status",
            "{\"agentId\": \"a1\", \"taskId\": \"t\", \"state\": \"TASK_DANCING\"}", 400, "invalid_request", "state"),
        row("agent heartbeat with a bad task", "POST", "/v1/agents/heartbeat",
            "{\"agentId\": \"a1\", \"tasks\": [{\"state\": \"TASK_RUNNING\"}]}", 400, "invalid_request", "tasks[0].taskId"),
        row("agent heartbeat without agentId", "POST", "/v1/agents/heartbeat", "{}", 400, "invalid_request", "agentId"));
  }

  static Arguments row(String name, String method, String path, String body, int status, String code, String field) {
    return Arguments.of(name, method, path, body, status, code, field);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void badInputIsRefusedAndNothingIsWritten(String name, String method, String path, String body, int status,
                                             String code, String field) {
    long before = node.lastEventIndex();
    TestNode.Resp r = node.send(method, path, body, body == null ? null : "application/json");
    assertEquals(status, r.status(), name + ": " + r.body());
    assertEquals("application/json", r.header("Content-Type"));
    JsonObject err = r.json();
    assertEquals(code, err.getString("code"), r.body());
    assertTrue(err.getString("message") != null && !err.getString("message").isBlank());
    JsonArray errors = err.getJsonArray("errors");
    if (field != null) {
      assertTrue(errors.stream().anyMatch(e -> field.equals(((JsonObject) e).getString("field"))),
          name + ": expected an error on field " + field + " in " + r.body());
      errors.forEach(e -> assertTrue(!((JsonObject) e).getString("reason").isBlank()));
    }
    assertEquals(before, node.lastEventIndex(), name + ": nothing may be appended");
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    long before = node.lastEventIndex();
    String big = "{\"id\": \"/big\", \"cmd\": \"" + "x".repeat((1 << 20) + 10) + "\"}";
    TestNode.Resp r = node.post("/v1/apps", big);
    assertEquals(413, r.status());
    assertEquals("body_too_large", r.json().getString("code"));
    assertEquals(before, node.lastEventIndex());
    assertEquals(404, node.get("/v1/apps/big").status());
  }

  @Test
  void allFieldErrorsAreReturnedAtOnce() {
    TestNode.Resp r = node.post("/v1/apps", "{\"id\": \"/Bad\", \"cpus\": -1, \"mem\": \"x\", \"bogus\": true}");
    assertEquals(400, r.status());
    JsonArray errors = r.json().getJsonArray("errors");
    java.util.Set<String> fields = new java.util.HashSet<>();
    errors.forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertTrue(fields.containsAll(java.util.Set.of("id", "cpus", "mem", "bogus", "cmd")), fields.toString());
  }
}
