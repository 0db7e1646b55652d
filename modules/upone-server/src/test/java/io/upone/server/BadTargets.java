package io.upone.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Bad request targets: query parameters (out of range, non-ASCII digits, malformed escapes,
 * given twice) and paths (dot segments, {@code //}, bad escapes, raw non-ASCII, over-long,
 * invalid ids), each with the field its 4xx must name.
 */
final class BadTargets {
  private final List<BadRequests.Case> out = new ArrayList<>();

  static List<BadRequests.Case> all() {
    BadTargets t = new BadTargets();
    t.queries();
    t.paths();
    return t.out;
  }

  private void queries() {
    for (String bad : List.of("0", "-1", "abc", "%D9%A3", "%EF%BC%91", "1.5", "", "99999999999999999999", "1e3",
        "+1", "%201", "0x10")) {
      add("events from=" + bad, "GET", "/v1/events?follow=false&from=" + bad, null, "from");
    }
    for (String bad : List.of("yes", "TRUE", "", "1", "%D9%A1")) {
      add("events follow=" + bad, "GET", "/v1/events?follow=" + bad, null, "follow");
    }
    add("events from twice (number first)", "GET", "/v1/events?from=1&from=x", null, "from");
    add("events from twice (text first)", "GET", "/v1/events?from=x&from=1", null, "from");
    add("events from twice (same)", "GET", "/v1/events?from=1&from=1&follow=false", null, "from");
    add("events follow twice", "GET", "/v1/events?follow=false&follow=false", null, "follow");
    add("events from %zz", "GET", "/v1/events?from=%zz", null, "from");
    add("events from invalid UTF-8", "GET", "/v1/events?from=%C3%28", null, "from");
    add("events name %zz", "GET", "/v1/events?%zz=1", null, "query");
    for (String bad : List.of("yes", "", "%D9%A1")) add("deployments all=" + bad, "GET", "/v1/deployments?all=" + bad, null, "all");
    add("deployments all twice", "GET", "/v1/deployments?all=true&all=false", null, "all");
    add("deployment stop force=maybe", "DELETE", "/v1/deployments/gen-none?force=maybe", null, "force");
    add("deployment stop force twice", "DELETE", "/v1/deployments/gen-none?force=true&force=true", null, "force");
    add("task kill scale=maybe", "DELETE", "/v1/tasks/gen-none?scale=maybe", null, "scale");
    add("task kill scale twice", "DELETE", "/v1/tasks/gen-none?scale=true&scale=false", null, "scale");
    add("task logs stream=stdin", "GET", "/v1/tasks/gen-none/logs?stream=stdin", null, "stream");
    for (String bad : List.of("abc", "%D9%A3", "-1", "1.5")) {
      add("task logs bytes=" + bad, "GET", "/v1/tasks/gen-none/logs?bytes=" + bad, null, "bytes");
    }
    add("task logs follow=yes", "GET", "/v1/tasks/gen-none/logs?follow=yes", null, "follow");
    add("task logs stream twice", "GET", "/v1/tasks/gen-none/logs?stream=stdout&stream=stderr", null, "stream");
  }

  private void paths() {
    String app = BadRequests.APP.substring(1);
    for (String[] p : new String[][] {
        {"DELETE", "/v1/tasks/../apps/" + app}, {"DELETE", "/v1/tasks/%2e%2e/apps/" + app},
        {"DELETE", "/v1/tasks/%2E%2E/apps/" + app}, {"DELETE", "/v1/tasks/.%2e/apps/" + app},
        {"DELETE", "/v1/apps/gen/./exists"}, {"DELETE", "/v1/apps//gen/exists"}, {"DELETE", "/v1//apps/" + app},
        {"DELETE", "//v1/apps/" + app}, {"GET", "/v1/apps/" + app + "/.."}, {"PUT", "/v1/apps/" + app + "/../exists/instances"},
        {"DELETE", "/v1/jobs/gen/../gen/job"}, {"POST", "/v1/jobs/gen/job/./runs"}, {"DELETE", "/v1/zones/./genzone"},
        {"GET", "/v1/apps/./" + app}, {"POST", "/v1/cluster/../cluster/snapshot"}}) {
      add("path " + p[0] + " " + p[1], p[0], p[1], p[0].equals("PUT") ? "{\"instances\": 1}".getBytes() : null, "path");
    }
    for (String[] p : new String[][] {
        {"GET", "/v1/apps/%zz"}, {"DELETE", "/v1/apps/gen/%zz"}, {"GET", "/v1/jobs/%C3%28"}, {"GET", "/v1/apps/%"},
        {"GET", "/v1/apps/%4"}, {"DELETE", "/v1/tasks/%ff"}, {"GET", "/v1/deployments/%G0"}}) {
      add("path escape " + p[0] + " " + p[1], p[0], p[1], null, "path");
    }
    add("raw non-ASCII in path", "GET", "/v1/apps/caf\u00e9", null, "uri|request");
    add("raw space-like byte in path", "GET", "/v1/apps/a\u00a0b", null, "uri|request");
    add("huge path (414)", "GET", "/v1/apps/" + BadRequests.HUGE, null, "uri");
    add("huge DELETE path (414)", "DELETE", "/v1/apps/" + BadRequests.HUGE, null, "uri");
    add("huge query (414)", "GET", "/v1/events?from=" + "1".repeat(5000), null, "uri");
    add("non-ASCII app id in path", "DELETE", "/v1/apps/caf%C3%A9", null, "id");
    add("Arabic-Indic digit app id", "PUT", "/v1/apps/%D9%A3/instances", "{\"instances\": 1}".getBytes(), "id");
    add("uppercase app id in path", "DELETE", "/v1/apps/Gen/Exists", null, "id");
    add("non-ASCII job id in path", "DELETE", "/v1/jobs/caf%C3%A9", null, "id");
  }

  private void add(String name, String method, String target, byte[] body, String field) {
    out.add(new BadRequests.Case(name, method, target, body, field));
  }
}
