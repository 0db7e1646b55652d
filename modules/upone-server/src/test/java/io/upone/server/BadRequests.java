package io.upone.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates bad requests systematically: for every route that takes a body, every field gets
 * each kind of wrong value its type allows (wrong type, out of range, empty, huge, non-ASCII,
 * invalid UTF-8, missing when required) plus an unknown field per object; every body route gets
 * the whole-body variants ({@link BadTargets}: query parameters and paths). Each case names the field its
 * 4xx answer must name ({@code a|b} = either).
 */
final class BadRequests {
  /** One request; {@code field} is what an error of the answer must name. */
  record Case(String name, String method, String target, byte[] body, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final Object MISSING = new Object();
  private static final byte[] BAD_UTF8 = {'"', 'a', (byte) 0xC3, (byte) 0x28, 'b', '"'};
  static final String HUGE = "a".repeat(5000);
  static final String TOO_BIG_INT = "18446744073709551619"; // 2^64 + 3: wraps to 3 when narrowed
  static final String APP = "/gen/exists";
  static final String JOB = "/gen/job";

  private final List<Case> out = new ArrayList<>();

  static List<Case> all() {
    BadRequests g = new BadRequests();
    g.apps();
    g.jobs();
    g.agents();
    g.cluster();
    g.zones();
    g.out.addAll(BadTargets.all());
    return g.out;
  }

  // ---- value kinds: each is a list of (variant name, JSON literal) ----------------------------------

  private static List<Object[]> id() {
    return List.of(v("number", "5"), v("boolean", "true"), v("array", "[]"), v("object", "{}"), v("empty", "\"\""),
        v("huge", "\"/" + HUGE + "\""), v("non-ASCII letter", "\"/caf\u00e9\""), v("non-ASCII digit", "\"/\u0663\""),
        v("uppercase", "\"/Upper\""), v("empty segment", "\"/a//b\""), v("dot segment", "\"/a/../b\""),
        v("reserved segment", "\"/a/instances\""));
  }

  private static List<Object[]> integer(long min, long max) {
    List<Object[]> l = new ArrayList<>(List.of(v("string", "\"3\""), v("boolean", "true"), v("array", "[]"),
        v("object", "{}"), v("fraction", "1.5"), v("2^64+3", TOO_BIG_INT), v("-(2^64+3)", "-" + TOO_BIG_INT),
        v("non-ASCII digit", "\"\u0663\""), v("huge", "1e300"), v("below min", String.valueOf(min - 1))));
    if (max < Long.MAX_VALUE) l.add(v("above max", String.valueOf(max + 1)));
    return l;
  }

  private static List<Object[]> positive() {
    return List.of(v("string", "\"1\""), v("boolean", "true"), v("array", "[]"), v("zero", "0"), v("negative", "-1"),
        v("huge", "1e300"), v("overflow", "1e400"), v("non-ASCII digit", "\"\u0661\""));
  }

  private static List<Object[]> nonNegative() {
    return List.of(v("string", "\"1\""), v("boolean", "true"), v("object", "{}"), v("negative", "-1"),
        v("huge", "1e300"), v("overflow", "1e400"));
  }

  private static List<Object[]> bool() {
    return List.of(v("string", "\"true\""), v("number", "1"), v("array", "[]"), v("word", "\"yes\""));
  }

  private static List<Object[]> text() {
    return List.of(v("number", "5"), v("array", "[]"), v("object", "{}"), v("boolean", "false"));
  }

  private static List<Object[]> env() {
    return List.of(v("array", "[]"), v("string", "\"A=1\""), v("number", "5"), v("leading digit", "{\"1X\": \"a\"}"),
        v("dash", "{\"A-B\": \"a\"}"), v("empty name", "{\"\": \"a\"}"), v("non-ASCII name", "{\"\u00c9\": \"a\"}"),
        v("non-ASCII digit", "{\"A\u0663\": \"a\"}"), v("value not string", "{\"A\": 1}"),
        v("huge name", "{\"" + HUGE + "\": \"a\"}"), v("space", "{\"A B\": \"a\"}"));
  }

  private static List<Object[]> stringMap() {
    return List.of(v("array", "[]"), v("number", "5"), v("value not string", "{\"a\": 1}"));
  }

  private static List<Object[]> strings() {
    return List.of(v("string", "\"x\""), v("number", "5"), v("element not string", "[1]"), v("object", "{}"));
  }

  private static List<Object[]> enumOf() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("unknown", "\"NOPE\""), v("lowercase", "\"allow\""),
        v("non-ASCII", "\"ALLOW\u00a0\""), v("huge", "\"" + HUGE + "\""));
  }

  private static List<Object[]> schedule() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("Arabic-Indic digits", "\"\u0660 * * * *\""),
        v("fullwidth digits", "\"\uff10 * * * *\""), v("Devanagari digits", "\"\u0966 \u0967 * * *\""),
        v("huge", "\"" + "* ".repeat(2000) + "\""), v("minute 61", "\"61 * * * *\""), v("never fires", "\"0 0 30 2 *\""),
        v("words", "\"every minute\""), v("array", "[]"));
  }

  private static List<Object[]> timezone() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("blank", "\" \""), v("unknown", "\"Mars/Olympus\""),
        v("non-ASCII", "\"Europe/Berl\u00edn\""), v("huge", "\"" + HUGE + "\""), v("array", "[]"));
  }

  private static List<Object[]> hostPort() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("no port", "\"127.0.0.1\""),
        v("non-ASCII digit port", "\"127.0.0.1:\u0661\""), v("huge", "\"" + HUGE + ":1\""), v("space", "\"a b:1\""),
        v("array", "[]"));
  }

  private static List<Object[]> url() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("ftp", "\"ftp://127.0.0.1:1\""),
        v("non-ASCII host", "\"http://caf\u00e9:1\""), v("huge", "\"http://" + HUGE + ":1\""), v("array", "[]"),
        v("no port", "\"http://\""));
  }

  private static List<Object[]> agentId() {
    return List.of(v("number", "5"), v("empty", "\"\""), v("space", "\"a b\""), v("non-ASCII", "\"\u00e9\""),
        v("huge", "\"" + HUGE + "\""), v("array", "[]"), v("object", "{}"), v("null", "null"));
  }

  private static List<Object[]> object() {
    return List.of(v("string", "\"x\""), v("array", "[]"), v("number", "5"));
  }

  private static List<Object[]> objects() {
    return List.of(v("string", "\"x\""), v("number", "5"), v("object", "{}"), v("element not object", "[5]"));
  }

  private static Object[] v(String name, Object literal) {
    return new Object[] {name, literal};
  }

  // ---- routes ---------------------------------------------------------------------------------------

  private void apps() {
    JsonObject create = new JsonObject().put("id", "/gen/new").put("cmd", "sleep 1").put("instances", 0)
        .put("upgradeStrategy", new JsonObject().put("minimumHealthCapacity", 0.5));
    JsonObject update = create.copy();
    update.remove("id");
    for (Object[] route : new Object[][] {{"POST", "/v1/apps", create, true}, {"PUT", "/v1/apps" + APP, update, false},
        {"POST", "/v1/placement/what-if", create, true}}) {
      String m = (String) route[0];
      String t = (String) route[1];
      JsonObject base = (JsonObject) route[2];
      fields(m, t, base, "id", id(), (Boolean) route[3]);
      fields(m, t, base, "cmd", text(), false);
      field(m, t, base, "cmd", "empty", "\"\"", "cmd");
      fields(m, t, base, "instances", integer(0, 1_000_000), false);
      fields(m, t, base, "cpus", positive(), false);
      fields(m, t, base, "mem", positive(), false);
      fields(m, t, base, "disk", nonNegative(), false);
      fields(m, t, base, "env", env(), false);
      fields(m, t, base, "labels", stringMap(), false);
      fields(m, t, base, "args", strings(), false);
      fields(m, t, base, "backoffFactor", List.of(v("below 1", "0.5"), v("string", "\"2\""), v("huge", "1e300")), false);
      fields(m, t, base, "backoffSeconds", nonNegative(), false);
      fields(m, t, base, "taskKillGracePeriodSeconds", integer(0, 86_400), false);
      fields(m, t, base, "version", List.of(v("negative", "-1"), v("2^64+3", TOO_BIG_INT), v("string", "\"3\""),
          v("fraction", "1.5"), v("non-ASCII digit", "\"\u0663\"")), false);
      fields(m, t, base, "portDefinitions", List.of(v("string", "\"x\""), v("port too high", "[{\"port\": 65536}]"),
          v("port negative", "[{\"port\": -1}]"), v("port string", "[{\"port\": \"80\"}]"),
          v("port 2^64+3", "[{\"port\": " + TOO_BIG_INT + "}]"), v("unknown nested field", "[{\"bogus\": 1}]")), false);
      fields(m, t, base, "constraints", List.of(v("string", "\"x\""), v("bad operator", "[[\"hostname\", \"SOMETIMES\"]]"),
          v("element not array", "[5]")), false);
      fields(m, t, base, "healthChecks", List.of(v("string", "\"x\""), v("interval 0", "[{\"intervalSeconds\": 0}]"),
          v("port too high", "[{\"protocol\": \"TCP\", \"port\": 70000}]")), false);
      fields(m, t, base, "upgradeStrategy", object(), false);
      fields(m, t, base, "upgradeStrategy.minimumHealthCapacity", List.of(v("above 1", "2"), v("negative", "-1"),
          v("string", "\"1\"")), false);
      fields(m, t, base, "requirePorts", bool(), false);
      // alertChannel is the older spelling of alerts.channel: its value is checked (and named) as that
      for (Object[] v : List.of(v("number", "5"), v("non-ASCII", "\"#\u00e9quipe\""), v("huge", "\"#" + HUGE + "\""),
          v("space", "\"#a b\""))) {
        field(m, t, base, "alertChannel", (String) v[0], v[1], "alertChannel|alerts.channel");
      }
      wholeBody(m, t, base, "cmd");
    }
    field("PUT", "/v1/apps" + APP, update, "id", "differs from path", "\"/gen/other\"", "id");
    JsonObject scale = new JsonObject().put("instances", 0);
    String st = "/v1/apps" + APP + "/instances";
    fields("PUT", st, scale, "instances", integer(0, 1_000_000), true);
    fields("PUT", st, scale, "version", List.of(v("zero", "0"), v("negative", "-1"), v("2^64+3", TOO_BIG_INT),
        v("string", "\"3\""), v("fraction", "1.5")), false);
    wholeBody("PUT", st, scale, null);
  }

  private void jobs() {
    JsonObject create = new JsonObject().put("id", "/gen/newjob").put("schedule", "0 * * * *").put("cmd", "true")
        .put("suspended", true);
    JsonObject update = create.copy();
    update.remove("id");
    for (Object[] route : new Object[][] {{"POST", "/v1/jobs", create, true}, {"PUT", "/v1/jobs" + JOB, update, false}}) {
      String m = (String) route[0];
      String t = (String) route[1];
      JsonObject base = (JsonObject) route[2];
      fields(m, t, base, "id", id(), (Boolean) route[3]);
      fields(m, t, base, "schedule", schedule(), true);
      fields(m, t, base, "timezone", timezone(), false);
      fields(m, t, base, "cmd", text(), false);
      fields(m, t, base, "cpus", positive(), false);
      fields(m, t, base, "mem", positive(), false);
      fields(m, t, base, "disk", nonNegative(), false);
      fields(m, t, base, "env", env(), false);
      fields(m, t, base, "labels", stringMap(), false);
      fields(m, t, base, "args", strings(), false);
      fields(m, t, base, "retries", integer(0, 100), false);
      fields(m, t, base, "startingDeadlineSeconds", integer(0, 7 * 86_400), false);
      fields(m, t, base, "runTimeoutSeconds", integer(0, 7 * 86_400), false);
      fields(m, t, base, "historyLimit", integer(1, 1000), false);
      fields(m, t, base, "concurrencyPolicy", enumOf(), false);
      fields(m, t, base, "missedRunPolicy", enumOf(), false);
      fields(m, t, base, "suspended", bool(), false);
      fields(m, t, base, "retryBackoffSeconds", nonNegative(), false);
      fields(m, t, base, "constraints", List.of(v("string", "\"x\""), v("element not array", "[5]")), false);
      fields(m, t, base, "version", List.of(v("negative", "-1"), v("2^64+3", TOO_BIG_INT), v("string", "\"1\"")), false);
      wholeBody(m, t, base, "schedule");
    }
  }

  private void agents() {
    JsonObject task = new JsonObject().put("taskId", "gen-task").put("state", "TASK_RUNNING").put("exitCode", 0)
        .put("message", "").put("reason", "").put("appId", APP).put("cpus", 0.1).put("mem", 16.0).put("disk", 0.0)
        .put("hostPorts", new JsonArray().add(20001));
    JsonObject hb = new JsonObject().put("agentId", "gen-agent").put("hostname", "gen-host").put("url", "http://127.0.0.1:1")
        .put("resources", new JsonObject().put("cpus", 1).put("mem", 128).put("disk", 0)
            .put("ports", new JsonArray().add(new JsonArray().add(20000).add(20010))))
        .put("attributes", new JsonObject()).put("load", 0).put("tasks", new JsonArray().add(task))
        .put("executors", new JsonArray().add("process"));
    String t = "/v1/agents/heartbeat";
    fields("POST", t, hb, "agentId", agentId(), true);
    fields("POST", t, hb, "hostname", List.of(v("number", "5"), v("empty", "\"\""), v("space", "\"a b\""),
        v("non-ASCII", "\"caf\u00e9\""), v("huge", "\"" + HUGE + "\"")), true);
    fields("POST", t, hb, "url", url(), true);
    fields("POST", t, hb, "resources", object(), true);
    for (String r : List.of("cpus", "mem", "disk")) fields("POST", t, hb, "resources." + r, nonNegative(), true);
    fields("POST", t, hb, "resources.ports", List.of(v("string", "\"x\""), v("one bound", "[[1]]"),
        v("reversed", "[[2, 1]]"), v("above 65535", "[[0, 65536]]"), v("strings", "[[\"1\", \"2\"]]"),
        v("not a range", "[5]"), v("fraction", "[[1.5, 2]]")), false);
    fields("POST", t, hb, "attributes", stringMap(), false);
    fields("POST", t, hb, "load", nonNegative(), false);
    fields("POST", t, hb, "tasks", objects(), false);
    fields("POST", t, hb, "executors", List.of(v("string", "\"x\""), v("number", "[5]"), v("space", "[\"a b\"]")), false);
    reportFields(t, hb, "tasks[0].");
    fields("POST", t, hb, "tasks[0].hostPorts", List.of(v("string", "\"x\""), v("above 65535", "[70000]"),
        v("negative", "[-1]"), v("2^64+3", "[" + TOO_BIG_INT + "]")), false);
    fields("POST", t, hb, "tasks[0].cpus", nonNegative(), false);
    wholeBody("POST", t, hb, "hostname");
    JsonObject status = new JsonObject().put("agentId", "gen-agent").put("taskId", "gen-task").put("state", "TASK_RUNNING")
        .put("exitCode", 0).put("message", "").put("reason", "");
    fields("POST", "/v1/agents/status", status, "agentId", agentId(), true);
    reportFields("/v1/agents/status", status, "");
    wholeBody("POST", "/v1/agents/status", status, "message");
  }

  private void reportFields(String t, JsonObject base, String p) {
    fields("POST", t, base, p + "taskId", List.of(v("number", "5"), v("empty", "\"\""), v("space", "\"a b\""),
        v("non-ASCII", "\"t\u00e9\""), v("huge", "\"" + HUGE + "\"")), true);
    fields("POST", t, base, p + "state", List.of(v("number", "5"), v("empty", "\"\""), v("unknown", "\"TASK_DANCING\""),
        v("lowercase", "\"task_running\""), v("UNRECOGNIZED", "\"UNRECOGNIZED\"")), true);
    fields("POST", t, base, p + "exitCode", List.of(v("string", "\"1\""), v("fraction", "1.5"),
        v("above int", "2147483648"), v("2^64+3", TOO_BIG_INT)), false);
    fields("POST", t, base, p + "healthy", bool(), false);
    fields("POST", t, base, p + "message", text(), false);
  }

  private void cluster() {
    JsonObject member = new JsonObject().put("raft", "127.0.0.1:1").put("http", "http://127.0.0.1:2");
    fields("POST", "/v1/cluster/members", member, "raft", hostPort(), true);
    fields("POST", "/v1/cluster/members", member, "http", url(), true);
    wholeBody("POST", "/v1/cluster/members", member, "raft");
    JsonObject leader = new JsonObject().put("raft", "127.0.0.1:1");
    fields("POST", "/v1/cluster/leader", leader, "raft", hostPort(), true);
    extra("POST", "/v1/cluster/leader", leader, "");
  }

  private void zones() {
    JsonObject zone = new JsonObject().put("name", "genzone").put("kind", "haproxy")
        .put("instances", new JsonArray().add("127.0.0.1:1"));
    fields("POST", "/v1/zones", zone, "name", List.of(v("number", "5"), v("empty", "\"\""), v("space", "\"a b\""),
        v("non-ASCII", "\"z\u00f6ne\""), v("huge", "\"" + HUGE + "\"")), true);
    fields("POST", "/v1/zones", zone, "kind", List.of(v("number", "5"), v("unknown", "\"nginx\""), v("empty", "\"\"")), false);
    fields("POST", "/v1/zones", zone, "instances", List.of(v("string", "\"x\""), v("number", "[5]"),
        v("non-ASCII", "[\"caf\u00e9:1\"]")), false);
    fields("POST", "/v1/zones", zone, "version", List.of(v("negative", "-1"), v("2^64+3", TOO_BIG_INT)), false);
    wholeBody("POST", "/v1/zones", zone, "name");
    JsonObject up = new JsonObject().put("upstream", "web.example").put("app", APP);
    String t = "/v1/zones/genzone/upstreams";
    fields("POST", t, up, "upstream", List.of(v("number", "5"), v("array", "[]"), v("object", "{}")), true);
    fields("POST", t, up, "app", List.of(v("number", "5"), v("array", "[]"), v("boolean", "true")), false);
    extra("POST", t, up, "");
  }

  // ---- building cases -------------------------------------------------------------------------------

  private void fields(String m, String t, JsonObject base, String path, List<Object[]> variants, boolean required) {
    for (Object[] v : variants) field(m, t, base, path, (String) v[0], v[1], path);
    if (required) field(m, t, base, path, "missing", MISSING, path);
  }

  private void field(String m, String t, JsonObject base, String path, String variant, Object literal, String expect) {
    add(m + " " + t + " " + path + ": " + variant, m, t, mutate(base, path, literal), expect);
  }

  /** Variants of the body as a whole; {@code stringField} gets the invalid UTF-8. */
  private void wholeBody(String m, String t, JsonObject base, String stringField) {
    String root = "$|body";
    for (String[] b : new String[][] {{"empty body", ""}, {"array body", "[]"}, {"number body", "5"},
        {"string body", "\"s\""}, {"null body", "null"}, {"malformed", "{\"a\": "}, {"trailing garbage", base.encode() + " x"}}) {
      add(m + " " + t + ": " + b[0], m, t, b[1].getBytes(StandardCharsets.UTF_8), root);
    }
    String first = base.fieldNames().iterator().next();
    add(m + " " + t + ": duplicate key " + first, m, t, ("{\"" + first + "\": " + jsonOf(base.getValue(first)) + ", "
        + base.encode().substring(1)).getBytes(StandardCharsets.UTF_8), root);
    add(m + " " + t + ": invalid UTF-8 in a key", m, t, concat("{".getBytes(), BAD_UTF8, (": 1, " + base.encode().substring(1))
        .getBytes()), "body");
    if (stringField != null) field(m, t, base, stringField, "invalid UTF-8", BAD_UTF8, "body");
    add(m + " " + t + ": over the body limit (413)", m, t, ("{\"x\": \"" + "a".repeat((1 << 20) + 16) + "\"}").getBytes(), "body");
    extra(m, t, base, "");
  }

  private void extra(String m, String t, JsonObject base, String prefix) {
    JsonObject b = base.copy();
    b.put("bogus", 1);
    add(m + " " + t + ": unknown field", m, t, b.encode().getBytes(StandardCharsets.UTF_8), prefix + "bogus");
  }

  private void add(String name, String method, String target, byte[] body, String field) {
    out.add(new Case(name, method, target, body, field));
  }

  private static String jsonOf(Object v) {
    return new JsonArray().add(v).encode().replaceAll("^\\[|\\]$", "");
  }

  /** {@code base} with the value at {@code path} (dots, and [i] for array elements) replaced by a raw literal. */
  static byte[] mutate(JsonObject base, String path, Object literal) {
    JsonObject copy = base.copy();
    String[] parts = path.split("\\.");
    Object parent = copy;
    for (int i = 0; i < parts.length - 1; i++) parent = step(parent, parts[i]);
    String last = parts[parts.length - 1];
    JsonObject holder = (JsonObject) parent;
    if (literal == MISSING) {
      holder.remove(last);
      return copy.encode().getBytes(StandardCharsets.UTF_8);
    }
    holder.put(last, "@@VALUE@@");
    String text = copy.encode();
    int at = text.indexOf("\"@@VALUE@@\"");
    byte[] lit = literal instanceof byte[] b ? b : ((String) literal).getBytes(StandardCharsets.UTF_8);
    return concat(text.substring(0, at).getBytes(StandardCharsets.UTF_8), lit,
        text.substring(at + "\"@@VALUE@@\"".length()).getBytes(StandardCharsets.UTF_8));
  }

  private static Object step(Object parent, String part) {
    int br = part.indexOf('[');
    if (br < 0) return ((JsonObject) parent).getValue(part);
    JsonArray a = ((JsonObject) parent).getJsonArray(part.substring(0, br));
    return a.getValue(Integer.parseInt(part.substring(br + 1, part.length() - 1)));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }
}
