package io.upone.agent.master;

import io.upone.core.FieldError;
import io.upone.core.proto.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an agent may send the master, checked field by field before the driver sees it: a
 * heartbeat with {@code "agentId": 5} or no URL would otherwise register an agent nobody can
 * reach, with no resources. Every problem is returned, each naming its field.
 */
public final class AgentMessages {
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
  private static final Pattern NAME = Pattern.compile("^[\\x21-\\x7e]{1,253}$");
  private static final Set<String> HEARTBEAT_FIELDS = Set.of("agentId", "hostname", "url", "resources", "attributes",
      "load", "tasks", "executors", "dockerVersion", "dockerApiVersion");
  private static final Set<String> REPORT_FIELDS = Set.of("taskId", "agentId", "state", "exitCode", "message", "reason",
      "healthy");
  private static final Set<String> LINE_FIELDS = Set.of("taskId", "agentId", "state", "exitCode", "message", "reason",
      "healthy", "appId", "cpus", "mem", "disk", "hostPorts", "pid");
  private static final double MAX_AMOUNT = 1e12;

  private AgentMessages() {}

  /** The problems of a heartbeat (also an agent's registration); empty when it can be used. */
  public static List<FieldError> heartbeat(JsonObject hb) {
    List<FieldError> e = new ArrayList<>();
    unknown(hb, HEARTBEAT_FIELDS, "", e);
    id(hb, "agentId", "", true, e);
    if (string(hb, "hostname", "", true, e) instanceof String h && !NAME.matcher(h).matches()) {
      e.add(new FieldError("hostname", "must be 1-253 printable ASCII characters without spaces"));
    }
    if (string(hb, "url", "", true, e) instanceof String u && !httpUrl(u)) {
      e.add(new FieldError("url", "must be the agent's API URL, http(s)://host:port"));
    }
    for (String k : List.of("dockerVersion", "dockerApiVersion")) string(hb, k, "", false, e);
    Object res = hb.getValue("resources");
    if (!(res instanceof JsonObject r)) {
      e.add(new FieldError("resources", res == null ? "is required" : "must be an object {cpus, mem, disk, ports}"));
    } else {
      unknown(r, Set.of("cpus", "mem", "disk", "ports"), "resources.", e);
      for (String k : List.of("cpus", "mem", "disk")) amount(r, k, "resources.", true, e);
      ports(r.getValue("ports"), "resources.ports", e);
    }
    Object attrs = hb.getValue("attributes");
    if (attrs != null) {
      if (!(attrs instanceof JsonObject a)) e.add(new FieldError("attributes", "must be an object of string values"));
      else a.forEach(en -> {
        if (!(en.getValue() instanceof String)) e.add(new FieldError("attributes." + en.getKey(), "must be a string"));
      });
    }
    amount(hb, "load", "", false, e);
    Object tasks = hb.getValue("tasks");
    if (tasks != null) {
      if (!(tasks instanceof JsonArray ts)) {
        e.add(new FieldError("tasks", "must be an array of task reports"));
      } else {
        for (int i = 0; i < ts.size(); i++) {
          String p = "tasks[" + i + "].";
          if (!(ts.getValue(i) instanceof JsonObject t)) e.add(new FieldError("tasks[" + i + "]", "must be an object"));
          else line(t, p, e);
        }
      }
    }
    Object ex = hb.getValue("executors");
    if (ex != null) {
      if (!(ex instanceof JsonArray xs)) e.add(new FieldError("executors", "must be an array of executor names"));
      else for (int i = 0; i < xs.size(); i++) {
        if (!(xs.getValue(i) instanceof String s) || !ID.matcher(s).matches()) {
          e.add(new FieldError("executors[" + i + "]", "must be an executor name like process or docker"));
        }
      }
    }
    return e;
  }

  /** The problems of one status report ({@code POST /v1/agents/status}). */
  public static List<FieldError> status(JsonObject s) {
    List<FieldError> e = new ArrayList<>();
    unknown(s, REPORT_FIELDS, "", e);
    id(s, "agentId", "", true, e);
    report(s, "", e);
    return e;
  }

  private static void line(JsonObject t, String p, List<FieldError> e) {
    unknown(t, LINE_FIELDS, p, e);
    id(t, "agentId", p, false, e);
    report(t, p, e);
    string(t, "appId", p, false, e);
    for (String k : List.of("cpus", "mem", "disk")) amount(t, k, p, false, e);
    Object hp = t.getValue("hostPorts");
    if (hp != null) {
      if (!(hp instanceof JsonArray a)) e.add(new FieldError(p + "hostPorts", "must be an array of ports"));
      else for (int i = 0; i < a.size(); i++) integer(a.getValue(i), p + "hostPorts[" + i + "]", 0, 65535, e);
    }
    if (t.getValue("pid") != null) integer(t.getValue("pid"), p + "pid", 0, Long.MAX_VALUE, e);
  }

  private static void report(JsonObject t, String p, List<FieldError> e) {
    if (string(t, "taskId", p, true, e) instanceof String id && (id.isEmpty() || id.length() > 512
        || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      e.add(new FieldError(p + "taskId", "must be 1-512 printable ASCII characters"));
    }
    if (string(t, "state", p, true, e) instanceof String st) {
      boolean known;
      try {
        known = TaskState.valueOf(st) != TaskState.UNRECOGNIZED && st.startsWith("TASK_");
      } catch (IllegalArgumentException notAState) {
        known = false;
      }
      if (!known) e.add(new FieldError(p + "state", "must be a task state like TASK_RUNNING"));
    }
    if (t.getValue("exitCode") != null) integer(t.getValue("exitCode"), p + "exitCode", Integer.MIN_VALUE, Integer.MAX_VALUE, e);
    string(t, "message", p, false, e);
    string(t, "reason", p, false, e);
    Object h = t.getValue("healthy");
    if (h != null && !(h instanceof Boolean)) e.add(new FieldError(p + "healthy", "must be true or false"));
  }

  private static void id(JsonObject j, String k, String p, boolean required, List<FieldError> e) {
    if (string(j, k, p, required, e) instanceof String s && !ID.matcher(s).matches()) {
      e.add(new FieldError(p + k, "must be 1-128 ASCII letters, digits, '.', '_', ':' or '-'"));
    }
  }

  /** The string at {@code k}, or null (with an error when it is required or not a string). */
  private static Object string(JsonObject j, String k, String p, boolean required, List<FieldError> e) {
    Object v = j.getValue(k);
    if (v == null) {
      if (required) e.add(new FieldError(p + k, "is required"));
      return null;
    }
    if (!(v instanceof String s)) {
      e.add(new FieldError(p + k, "must be a string"));
      return null;
    }
    if (s.length() > 4096) {
      e.add(new FieldError(p + k, "must be at most 4096 characters"));
      return null;
    }
    return s;
  }

  private static void amount(JsonObject j, String k, String p, boolean required, List<FieldError> e) {
    Object v = j.getValue(k);
    if (v == null) {
      if (required) e.add(new FieldError(p + k, "is required"));
      return;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0 || n.doubleValue() > MAX_AMOUNT) {
      e.add(new FieldError(p + k, "must be a number from 0 to " + (long) MAX_AMOUNT));
    }
  }

  private static void integer(Object v, String field, long min, long max, List<FieldError> e) {
    boolean ok = (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)
        && ((Number) v).longValue() >= min && ((Number) v).longValue() <= max;
    if (!ok) e.add(new FieldError(field, "must be an integer from " + min + " to " + max));
  }

  private static void ports(Object v, String field, List<FieldError> e) {
    if (v == null) return;
    if (!(v instanceof JsonArray a)) {
      e.add(new FieldError(field, "must be an array of [begin, end] ranges"));
      return;
    }
    for (int i = 0; i < a.size(); i++) {
      String f = field + "[" + i + "]";
      if (!(a.getValue(i) instanceof JsonArray r) || r.size() != 2) {
        e.add(new FieldError(f, "must be a [begin, end] range"));
        continue;
      }
      int before = e.size();
      integer(r.getValue(0), f + "[0]", 0, 65535, e);
      integer(r.getValue(1), f + "[1]", 0, 65535, e);
      if (e.size() == before && r.getLong(0) > r.getLong(1)) e.add(new FieldError(f, "must not begin after it ends"));
    }
  }

  private static void unknown(JsonObject j, Set<String> known, String p, List<FieldError> e) {
    for (String k : j.fieldNames()) if (!known.contains(k)) e.add(new FieldError(p + k, "unknown field"));
  }

  private static boolean httpUrl(String u) {
    if (u.length() > 2048 || !u.chars().allMatch(c -> c > 0x20 && c < 0x7f)) return false;
    try {
      URI uri = new URI(u);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getPort() > 0 && uri.getPort() <= 65535;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
