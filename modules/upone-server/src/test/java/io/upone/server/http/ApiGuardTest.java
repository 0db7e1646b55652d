package io.upone.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.auth.Role;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which role each class of route needs (null: open), and what counts as loopback for the warning. */
class ApiGuardTest {
  @ParameterizedTest(name = "{0} {1} needs {2}")
  @CsvSource({
      "GET, /v1/apps, READ", "HEAD, /v1/apps, READ", "GET, /v1/events, READ", "GET, /metrics, READ",
      "GET, /v1/cluster/members, READ", "GET, /v1/tasks/t/logs, READ", "GET, /v1/agents, READ",
      "POST, /v1/apps, WRITE", "PUT, /v1/apps/a/instances, WRITE", "DELETE, /v1/tasks/t, WRITE",
      "POST, /v1/jobs/j/runs, WRITE", "POST, /v1/zones, WRITE", "POST, /v1/placement/what-if, WRITE",
      "POST, /v1/cluster/snapshot, ADMIN", "POST, /v1/cluster/members, ADMIN", "DELETE, /v1/cluster/members/x:1, ADMIN",
      "POST, /v1/cluster/leader, ADMIN", "POST, /v1/framework/teardown, ADMIN",
      "GET, /health, ", "GET, /, ", "GET, /js/main.js, ", "GET, /style.css, "})
  void routeClasses(String method, String path, String role) {
    assertEquals(role == null ? null : Role.valueOf(role), ApiGuard.needed(HttpMethod.valueOf(method), path));
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1, true", "127.1.2.3, true", "localhost, true", "::1, true", "0.0.0.0, false", "10.1.2.3, false"})
  void loopback(String host, boolean loopback) {
    assertEquals(loopback, ApiExposure.loopback(host));
  }

  @org.junit.jupiter.api.Test
  void rolesAreOrdered() {
    assertTrue(Role.ADMIN.allows(Role.WRITE) && Role.WRITE.allows(Role.READ) && Role.READ.allows(Role.READ));
    assertFalse(Role.READ.allows(Role.WRITE) || Role.WRITE.allows(Role.ADMIN));
  }
}
