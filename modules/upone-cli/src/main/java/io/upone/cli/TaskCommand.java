package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upone task ...}: live tasks through {@code /v1/tasks}. */
@Command(name = "task", mixinStandardHelpOptions = true, description = "List, kill and read the logs of tasks.",
    subcommands = {TaskCommand.ListTasks.class, TaskCommand.Kill.class, TaskCommand.Logs.class})
public final class TaskCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static String path(String taskId) {
    return "/v1/tasks/" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
  }

  /** The task table shared with {@code app show}. */
  static Table taskTable(JsonNode tasks, Instant now) {
    Table t = new Table("ID", "APP", "HOST", "PORTS", "STATE", "HEALTH", "AGE", "VERSION");
    for (JsonNode k : tasks) {
      String health = k.has("healthy") ? (k.get("healthy").asBoolean() ? "healthy" : "unhealthy") : "-";
      if (k.path("ready").asBoolean()) health += ", ready";
      String state = k.path("state").asText().replaceFirst("^TASK_", "").toLowerCase();
      if (k.path("killing").asBoolean()) state += " (killing)";
      t.row(k.path("id").asText(), k.path("appId").asText(), Human.text(k.path("host")), Human.list(k.path("ports")),
          state, health, Human.age(k.path("stagedAt"), now), k.path("version").asText());
    }
    return t;
  }

  @Command(name = "list", description = "Live tasks: every app's, or one app's.")
  static final class ListTasks extends ApiCommand {
    @Option(names = "--app", paramLabel = "APP", description = "only this app's tasks") String app;

    @Override
    int run() {
      JsonNode body = api().get(app == null ? "/v1/tasks" : AppCommand.path(app) + "/tasks");
      emit(body, () -> taskTable(body.path("tasks"), now()).print(out()));
      return Exit.OK;
    }
  }

  @Command(name = "kill", description = "Kill a task; the app starts a replacement unless --scale.")
  static final class Kill extends ApiCommand {
    @Parameters(paramLabel = "TASK") String taskId;
    @Option(names = "--scale", description = "also lower the app's instances by one, so the task is not replaced")
    boolean scale;

    @Override
    int run() {
      JsonNode task = api().delete(path(taskId) + (scale ? "?scale=true" : ""));
      emit(task, () -> out().println("killing " + task.path("id").asText(taskId)
          + (scale ? " (app scaled down by one)" : " (a replacement will start)")));
      return Exit.OK;
    }
  }

  @Command(name = "logs", description = "A task's output (stdout; --stderr for the other one).")
  static final class Logs extends ApiCommand {
    @Parameters(paramLabel = "TASK") String taskId;
    @Option(names = {"-f", "--follow"}, description = "keep printing new output until Ctrl-C") boolean follow;
    @Option(names = "--stderr", description = "stderr instead of stdout") boolean stderr;

    @Override
    int run() {
      Api.Streams streams = new Api.Streams();
      String query = "?stream=" + (stderr ? "stderr" : "stdout") + "&follow=" + follow;
      try (StopOnSignal stop = StopOnSignal.install(streams, follow)) {
        api().lines(path(taskId) + "/logs" + query, line -> {
          out().println(line);
          out().flush();
          return true;
        }, streams);
      }
      return Exit.OK;
    }
  }
}
