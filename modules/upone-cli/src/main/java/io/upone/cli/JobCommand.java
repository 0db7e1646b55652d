package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upone job ...}: cron jobs through {@code /v1/jobs}. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Cron jobs: list, create, run now, history, suspend.",
    subcommands = {JobCommand.ListJobs.class, JobCommand.Show.class, JobCommand.Create.class, JobCommand.Update.class,
        JobCommand.Run.class, JobCommand.History.class, JobCommand.Suspend.class, JobCommand.Resume.class,
        JobCommand.Delete.class})
public final class JobCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static String path(String id) {
    return Api.idPath("/v1/jobs", id);
  }

  static String lastRun(JsonNode run, Instant now) {
    if (run == null || run.isMissingNode()) return "-";
    return run.path("state").asText().toLowerCase() + " " + Human.age(run.path("scheduledAt"), now) + " ago";
  }

  /** How long a run took (or has taken so far). */
  static String took(JsonNode run, Instant now) {
    Instant start = Human.instant(run.path("startedAt"));
    if (start == null) return "-";
    Instant end = Human.instant(run.path("endedAt"));
    return Human.duration(Duration.between(start, end == null ? now : end));
  }

  @Command(name = "list", description = "Every job: schedule, state, next and last run.")
  static final class ListJobs extends ApiCommand {
    @Override
    int run() {
      JsonNode body = api().get("/v1/jobs");
      emit(body, () -> {
        Table t = new Table("ID", "SCHEDULE", "ZONE", "STATE", "NEXT", "LAST RUN");
        for (JsonNode j : body.path("jobs")) {
          JsonNode s = j.path("status");
          t.row(j.path("id").asText(), j.path("schedule").asText(), j.path("timezone").asText("UTC"),
              s.path("state").asText(j.path("suspended").asBoolean() ? "suspended" : "-"),
              Human.until(s.path("nextRunAt"), now()), lastRun(s.path("lastRun"), now()));
        }
        t.print(out());
      });
      return Exit.OK;
    }
  }

  @Command(name = "show", description = "One job and its status.")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode j = api().get(path(id));
      emit(j, () -> {
        JsonNode s = j.path("status");
        Table t = new Table("FIELD", "VALUE");
        t.row("id", j.path("id").asText());
        t.row("schedule", j.path("schedule").asText() + " (" + j.path("timezone").asText("UTC") + ")");
        t.row("cmd", j.has("cmd") ? j.get("cmd").asText() : Human.list(j.path("args")));
        t.row("resources", "cpus " + Human.number(j.path("cpus")) + ", mem " + Human.number(j.path("mem")) + " MiB");
        t.row("concurrency", Human.text(j.path("concurrencyPolicy")));
        t.row("state", s.path("state").asText());
        t.row("active runs", s.path("activeRuns").asInt());
        t.row("next run", Human.text(s.path("nextRunAt")) + " (" + Human.until(s.path("nextRunAt"), now()) + ")");
        t.row("last run", lastRun(s.path("lastRun"), now()));
        t.print(out());
      });
      return Exit.OK;
    }
  }

  @Command(name = "create", description = "Create a job from a JSON job definition.")
  static final class Create extends ApiCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the job definition; - reads stdin")
    String file;

    @Override
    int run() {
      JsonNode j = api().post("/v1/jobs", readJsonFile(file));
      emit(j, () -> out().println("created job " + j.path("id").asText() + " (" + j.path("schedule").asText() + ")"));
      return Exit.OK;
    }
  }

  @Command(name = "update", description = "Replace a job's definition.")
  static final class Update extends ApiCommand {
    @Parameters(paramLabel = "JOB", arity = "0..1", description = "job id (default: the id in the file)") String id;
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the job definition; - reads stdin")
    String file;

    @Override
    int run() throws Exception {
      String body = readJsonFile(file);
      String target = id != null ? id : Api.JSON.readTree(body).path("id").asText("");
      if (target.isEmpty()) throw new UsageProblem("give the job id, or an \"id\" in " + file);
      JsonNode j = api().put(path(target), body);
      emit(j, () -> out().println("updated job " + j.path("id").asText()));
      return Exit.OK;
    }
  }

  @Command(name = "run", description = "Run a job now, outside its schedule.")
  static final class Run extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode r = api().post(path(id) + "/runs", "");
      emit(r, () -> out().println("started run " + r.path("runId").asText() + " of " + id));
      return Exit.OK;
    }
  }

  @Command(name = "history", description = "A job's active runs and past runs, newest first.")
  static final class History extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode r = api().get(path(id) + "/runs");
      emit(r, () -> {
        Table t = new Table("RUN", "SCHEDULED", "STATE", "TOOK", "EXIT", "ATTEMPTS", "MANUAL", "MESSAGE");
        for (String list : new String[] {"active", "history"}) {
          for (JsonNode run : r.path(list)) {
            t.row(run.path("runId").asText(), Human.age(run.path("scheduledAt"), now()) + " ago",
                run.path("state").asText().toLowerCase(), took(run, now()),
                run.has("endedAt") ? run.path("exitCode").asText() : "-", run.path("attempts").asInt(),
                run.path("manual").asBoolean() ? "yes" : "no", Human.cut(Human.text(run.path("message")), 50));
          }
        }
        t.print(out());
      });
      return Exit.OK;
    }
  }

  @Command(name = "suspend", description = "Stop planning new runs (active runs go on).")
  static final class Suspend extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode j = api().post(path(id) + "/suspend", "");
      emit(j, () -> out().println("suspended job " + j.path("id").asText(id)));
      return Exit.OK;
    }
  }

  @Command(name = "resume", description = "Plan runs again from now.")
  static final class Resume extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode j = api().post(path(id) + "/resume", "");
      emit(j, () -> out().println("resumed job " + j.path("id").asText(id) + ", next run "
          + Human.until(j.path("status").path("nextRunAt"), now())));
      return Exit.OK;
    }
  }

  @Command(name = "delete", description = "Delete a job; its running tasks are killed.")
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "JOB") String id;

    @Override
    int run() {
      JsonNode r = api().delete(path(id));
      emit(r, () -> out().println("deleted job " + r.path("id").asText(id)));
      return Exit.OK;
    }
  }
}
