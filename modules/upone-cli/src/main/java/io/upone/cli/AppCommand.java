package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upone app ...}: apps through {@code /v1/apps}. */
@Command(name = "app", mixinStandardHelpOptions = true, description = "List, show, create, change and delete apps.",
    subcommands = {AppCommand.ListApps.class, AppCommand.Show.class, AppCommand.Create.class, AppCommand.Update.class,
        AppCommand.Scale.class, AppCommand.Restart.class, AppCommand.Delete.class, AppCommand.Versions.class,
        AppCommand.Rollback.class})
public final class AppCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static String path(String id) {
    return Api.idPath("/v1/apps", id);
  }

  /** `3/3`: running of wanted; staged ones shown apart so a slow start reads as such. */
  static String instances(JsonNode app) {
    String s = app.path("tasksRunning").asInt() + "/" + app.path("instances").asInt();
    int staged = app.path("tasksStaged").asInt();
    return staged > 0 ? s + " (+" + staged + " starting)" : s;
  }

  static String what(JsonNode app) {
    JsonNode image = app.path("container").path("docker").path("image");
    if (!image.isMissingNode()) return "image " + image.asText();
    if (app.hasNonNull("cmd")) return app.get("cmd").asText();
    return Human.list(app.path("args"));
  }

  static String network(JsonNode app) {
    return app.path("networks").path(0).path("mode").asText("host");
  }

  @Command(name = "list", description = "Every app with its resources and running/instances.")
  static final class ListApps extends ApiCommand {
    @Override
    int run() {
      JsonNode body = api().get("/v1/apps");
      emit(body, () -> {
        Table t = new Table("ID", "CMD/IMAGE", "CPUS", "MEM", "DISK", "NETWORK", "RUNNING", "HEALTHY", "VERSION");
        for (JsonNode a : body.path("apps")) {
          t.row(a.path("id").asText(), Human.cut(what(a), 40), Human.number(a.path("cpus")), Human.number(a.path("mem")),
              Human.number(a.path("disk")), network(a), instances(a), healthy(a), a.path("version").asText());
        }
        t.print(out());
      });
      return Exit.OK;
    }

    private static String healthy(JsonNode a) {
      int h = a.path("tasksHealthy").asInt();
      int u = a.path("tasksUnhealthy").asInt();
      return h + u == 0 ? "-" : h + "/" + (h + u);
    }
  }

  @Command(name = "show", description = "One app: its definition and its tasks.")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "APP", description = "app id, e.g. /shop/web") String id;

    @Override
    int run() {
      JsonNode app = api().get(path(id));
      if (!table()) {
        emit(app, null);
        return Exit.OK;
      }
      JsonNode tasks = api().get(path(id) + "/tasks").path("tasks");
      Table kv = new Table("FIELD", "VALUE");
      kv.row("id", app.path("id").asText());
      kv.row(app.has("container") && app.path("container").has("docker") ? "image" : "cmd", what(app));
      kv.row("resources", "cpus " + Human.number(app.path("cpus")) + ", mem " + Human.number(app.path("mem"))
          + " MiB, disk " + Human.number(app.path("disk")) + " MiB");
      kv.row("instances", instances(app));
      kv.row("network", network(app));
      kv.row("ports", ports(app));
      kv.row("constraints", Human.list(app.path("constraints")));
      kv.row("env", pairs(app.path("env")));
      kv.row("labels", pairs(app.path("labels")));
      kv.row("health checks", app.path("healthChecks").size());
      kv.row("version", app.path("version").asText());
      kv.print(out());
      out().println();
      TaskCommand.taskTable(tasks, now()).print(out());
      return Exit.OK;
    }

    private static String ports(JsonNode app) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode p : app.path("portDefinitions")) {
        sb.append(sb.isEmpty() ? "" : ",").append(p.path("port").asInt() == 0 ? "any" : p.path("port").asText());
      }
      for (JsonNode p : app.path("container").path("portMappings")) {
        sb.append(sb.isEmpty() ? "" : ",").append(p.path("hostPort").asInt()).append("->").append(p.path("containerPort").asInt());
      }
      return sb.isEmpty() ? "-" : sb.toString();
    }

    private static String pairs(JsonNode obj) {
      StringBuilder sb = new StringBuilder();
      obj.fields().forEachRemaining(e -> sb.append(sb.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue().asText()));
      return sb.isEmpty() ? "-" : sb.toString();
    }
  }

  @Command(name = "create", description = "Create an app from a JSON app definition (Marathon's form).")
  static final class Create extends ApiCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the app definition; - reads stdin")
    String file;

    @Override
    int run() {
      JsonNode app = api().post("/v1/apps", readJsonFile(file));
      emit(app, () -> out().println("created " + app.path("id").asText() + " (version " + app.path("version").asText()
          + ", " + app.path("instances").asInt() + " instances)"));
      return Exit.OK;
    }
  }

  @Command(name = "update", description = "Replace an app's whole definition (fields left out take their defaults).")
  static final class Update extends ApiCommand {
    @Parameters(paramLabel = "APP", arity = "0..1", description = "app id (default: the id in the file)") String id;
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the app definition; - reads stdin")
    String file;

    @Override
    int run() throws Exception {
      String body = readJsonFile(file);
      String target = id != null ? id : Api.JSON.readTree(body).path("id").asText("");
      if (target.isEmpty()) throw new UsageProblem("give the app id, or an \"id\" in " + file);
      JsonNode app = api().put(path(target), body);
      emit(app, () -> out().println("updated " + app.path("id").asText() + " to version " + app.path("version").asText()));
      return Exit.OK;
    }
  }

  @Command(name = "scale", description = "Set an app's instance count.")
  static final class Scale extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP") String id;
    @Parameters(index = "1", paramLabel = "N", description = "instances wanted (0 stops every task)") int instances;

    @Override
    int run() {
      ObjectNode body = Api.object().put("instances", instances);
      JsonNode app = api().put(path(id) + "/instances", body.toString());
      emit(app, () -> out().println("scaled " + app.path("id").asText() + " to " + app.path("instances").asInt()
          + " instances (version " + app.path("version").asText() + ")"));
      return Exit.OK;
    }
  }

  @Command(name = "restart", description = "Replace every task of an app with a new one.")
  static final class Restart extends ApiCommand {
    @Parameters(paramLabel = "APP") String id;

    @Override
    int run() {
      JsonNode r = api().post(path(id) + "/restart", "{}");
      emit(r, () -> out().println("restarting " + id));
      return Exit.OK;
    }
  }

  @Command(name = "delete", description = "Delete an app; its tasks are killed.")
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "APP") String id;

    @Override
    int run() {
      JsonNode r = api().delete(path(id));
      emit(r, () -> out().println("deleted " + r.path("id").asText(id)));
      return Exit.OK;
    }
  }

  @Command(name = "versions", description = "An app's past definitions.")
  static final class Versions extends ApiCommand {
    @Parameters(paramLabel = "APP") String id;

    @Override
    int run() {
      JsonNode r = api().get(path(id) + "/versions");
      emit(r, () -> {
        Table t = new Table("VERSION", "AT", "DEFINITION");
        for (JsonNode v : r.path("versions")) {
          t.row(v.path("version").asText(), Human.age(v.path("at"), now()) + " ago", v.has("app") ? "kept" : "-");
        }
        t.print(out());
      });
      return Exit.OK;
    }
  }

  @Command(name = "rollback", description = "Put an app back to an earlier definition (default: the one before the current).")
  static final class Rollback extends ApiCommand {
    @Parameters(paramLabel = "APP") String id;
    @Option(names = "--to", paramLabel = "VERSION", description = "the version to go back to") Long to;

    @Override
    int run() {
      long version = to != null ? to : api().get(path(id)).path("version").asLong() - 1;
      // a body of only a version asks the server for that version's definition again (Marathon's rollback)
      JsonNode app = api().put(path(id), "{\"version\": " + version + "}");
      emit(app, () -> out().println("rolled " + app.path("id").asText() + " back to the definition of version " + version
          + " (now version " + app.path("version").asText() + ")"));
      return Exit.OK;
    }
  }
}
