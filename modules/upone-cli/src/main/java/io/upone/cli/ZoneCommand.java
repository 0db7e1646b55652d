package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.cli.Subcommand;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code upone zone ...}: load-balancer zones, in the product's word order: {@code zone list},
 * {@code zone create ZONE ...}, then {@code zone ZONE <what> [ARGS]} for one zone. Each form is one
 * call of {@code /v1/zones} (see load-balancing.md).
 */
@Command(name = "zone", mixinStandardHelpOptions = true,
    description = "Load-balancer zones: list | create ZONE --kind K --instance H:P... | ZONE show | ZONE set --instance H:P... "
        + "| ZONE remove | ZONE upstreams | ZONE add UPSTREAM [--app APP] | ZONE delete UPSTREAM | ZONE pick UPSTREAM "
        + "| ZONE lua list | ZONE lua load NAME FILE | ZONE lua activate [NAME] | ZONE lua unload NAME | ZONE top")
public final class ZoneCommand extends ApiCommand implements Subcommand {
  @Parameters(paramLabel = "WORDS", arity = "1..*", description = "what to do (see above)")
  List<String> words = new ArrayList<>();
  @Option(names = "--kind", description = "create: slardar or haproxy") String kind;
  @Option(names = "--instance", paramLabel = "HOST:PORT", description = "an LB instance's admin address (repeat for more)")
  List<String> instances = new ArrayList<>();
  @Option(names = "--app", description = "add: the app to publish (when several name the upstream)") String app;
  @Option(names = "--interval", defaultValue = "2", description = "top: seconds between samples (default 2)") double interval;
  @Option(names = "--count", defaultValue = "0", description = "top: samples before it ends (default: until Ctrl-C)") int count;

  private static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  int run() throws Exception {
    String first = words.get(0);
    if (first.equals("list") && words.size() == 1) return list();
    if (first.equals("create")) return create(arg(1, "ZONE"));
    if (words.size() < 2) throw new UsageProblem("what to do with zone " + first + "? show, set, remove, upstreams, add, "
        + "delete, pick, lua or top");
    String zone = "/v1/zones/" + seg(first);
    String what = words.get(1);
    switch (what) {
      case "show" -> print(api().get(zone));
      case "set" -> {
        JsonNode cur = api().get(zone);
        print(api().put(zone, body(first, cur.path("kind").asText(), cur.path("version").asLong())));
      }
      case "remove" -> print(api().delete(zone));
      case "upstreams" -> upstreams(api().get(zone + "/upstreams"));
      case "add" -> {
        ObjectNode b = Api.JSON.createObjectNode().put("upstream", arg(2, "UPSTREAM"));
        if (app != null) b.put("app", app);
        print(api().post(zone + "/upstreams", b.toString()));
      }
      case "delete" -> print(api().delete(zone + "/upstreams/" + seg(arg(2, "UPSTREAM"))));
      case "pick" -> print(api().get(zone + "/upstreams/" + seg(arg(2, "UPSTREAM"))));
      case "lua" -> lua(zone);
      case "top" -> top(zone);
      default -> throw new UsageProblem("unknown zone action '" + what + "'; use show, set, remove, upstreams, add, delete, "
          + "pick, lua or top");
    }
    return Exit.OK;
  }

  private String arg(int i, String name) {
    if (words.size() <= i) throw new UsageProblem(name + " is required: upone zone " + String.join(" ", words) + " " + name);
    return words.get(i);
  }

  private String body(String name, String zoneKind, long version) {
    if (instances.isEmpty()) throw new UsageProblem("--instance HOST:PORT is required (repeat it for each LB instance)");
    ObjectNode b = Api.JSON.createObjectNode().put("name", name).put("kind", zoneKind);
    if (version > 0) b.put("version", version);
    ArrayNode a = b.putArray("instances");
    instances.forEach(a::add);
    return b.toString();
  }

  private int create(String name) {
    if (kind == null) throw new UsageProblem("--kind slardar|haproxy is required");
    print(api().post("/v1/zones", body(name, kind, 0)));
    return Exit.OK;
  }

  private int list() {
    JsonNode body = api().get("/v1/zones");
    emit(body, () -> {
      Table t = new Table("ZONE", "KIND", "INSTANCES", "UPSTREAMS", "IN SYNC", "LAG", "LAST ERROR");
      for (JsonNode z : body.path("zones")) {
        boolean inSync = true;
        long lag = 0;
        String error = "-";
        for (JsonNode i : z.path("sync").path("instances")) {
          inSync &= i.path("inSync").asBoolean(false);
          lag = Math.max(lag, i.path("lagMs").asLong());
          if (!i.path("lastError").asText("").isEmpty()) error = i.path("lastError").asText();
        }
        t.row(z.path("name").asText(), z.path("kind").asText(), Human.list(z.path("instances")), z.path("upstreams").asText(),
            inSync ? "yes" : "no", lag == 0 ? "-" : lag + " ms", error);
      }
      t.print(out());
    });
    return Exit.OK;
  }

  private void upstreams(JsonNode body) {
    emit(body, () -> {
      Table t = new Table("UPSTREAM", "APP", "SERVER", "WEIGHT", "LB", "STATUS");
      for (JsonNode u : body.path("upstreams")) {
        for (JsonNode s : u.path("servers")) {
          String address = s.path("address").asText();
          StringBuilder lbs = new StringBuilder();
          StringBuilder states = new StringBuilder();
          for (JsonNode lb : u.path("lb")) {
            lbs.append(lbs.isEmpty() ? "" : ",").append(lb.path("instance").asText());
            String st = lb.has("error") ? "error" : "absent";
            for (JsonNode ls : lb.path("servers")) {
              if (address.equals(ls.path("address").asText())) st = ls.path("status").asText("present");
            }
            states.append(states.isEmpty() ? "" : ",").append(st);
          }
          t.row(u.path("upstream").asText(), u.path("app").asText("-"), address, s.path("weight").asText("1"),
              lbs.isEmpty() ? "-" : lbs.toString(), states.isEmpty() ? "-" : states.toString());
        }
      }
      t.print(out());
    });
  }

  private void lua(String zone) throws IOException {
    String op = arg(2, "list|load|activate|unload");
    switch (op) {
      case "list" -> print(api().get(zone + "/lua"));
      case "load" -> {
        String name = arg(3, "NAME");
        String file = arg(4, "FILE");
        String code;
        try {
          code = Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
          throw new UsageProblem("no such file: " + file);
        }
        print(api().post(zone + "/lua/" + seg(name), code));
      }
      case "activate" -> print(api().put(zone + "/lua" + (words.size() > 3 ? "/" + seg(words.get(3)) : ""), ""));
      case "unload" -> print(api().delete(zone + "/lua/" + seg(arg(3, "NAME"))));
      default -> throw new UsageProblem("unknown lua action '" + op + "'; use list, load, activate or unload");
    }
  }

  /** Refreshing figures: rates are the difference of two samples over the difference of their times. */
  private void top(String zone) throws InterruptedException {
    JsonNode before = null;
    for (int n = 0; count == 0 || n < count; n++) {
      if (n > 0) Thread.sleep((long) (interval * 1000)); // the refresh rate the user asked for
      JsonNode now = api().get(zone + "/top");
      if (!table()) {
        emit(now, () -> { });
      } else {
        Table t = new Table("INSTANCE", "NAME", "REQ/S", "ACTIVE", "ERRORS/S");
        // "at" is the server's clock in epoch milliseconds
        double secs = before == null ? 0 : Math.max(0.001, (now.path("at").asLong() - before.path("at").asLong()) / 1000.0);
        for (int i = 0; i < now.path("instances").size(); i++) {
          JsonNode in = now.path("instances").get(i);
          JsonNode old = before == null ? null : before.path("instances").get(i);
          if (in.has("rows")) {
            for (JsonNode r : in.path("rows")) {
              JsonNode o = old == null ? null : row(old, r.path("proxy").asText(), r.path("name").asText());
              t.row(in.path("instance").asText(), r.path("proxy").asText() + "/" + r.path("name").asText(),
                  rate(r, o, "req_tot", secs), r.path("scur").asText(), rate(r, o, "errors", secs));
            }
          } else {
            t.row(in.path("instance").asText(), "nginx", rate(in, old, "requests", secs), in.path("active").asText("-"), "-");
          }
        }
        out().println("zone " + now.path("zone").asText() + " at " + Instant.ofEpochMilli(now.path("at").asLong()));
        t.print(out());
        out().flush();
      }
      before = now;
    }
  }

  private static JsonNode row(JsonNode instance, String proxy, String name) {
    for (JsonNode r : instance.path("rows")) {
      if (proxy.equals(r.path("proxy").asText()) && name.equals(r.path("name").asText())) return r;
    }
    return null;
  }

  private static String rate(JsonNode now, JsonNode before, String field, double secs) {
    if (before == null || secs == 0) return "-";
    double d = value(now, field) - value(before, field);
    return String.format("%.1f", Math.max(0, d) / secs);
  }

  private static double value(JsonNode n, String field) {
    if (field.equals("errors")) return n.path("ereq").asDouble() + n.path("econ").asDouble() + n.path("eresp").asDouble();
    return n.path(field).asDouble();
  }

  private void print(JsonNode body) {
    emit(body, () -> out().print(Yaml.of(body)));
  }
}
