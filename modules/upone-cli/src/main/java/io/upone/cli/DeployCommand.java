package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code upone deploy ...} over {@code /v1/deployments} (Marathon's shape: DELETE rolls a
 * deployment back). A server without deployments answers 404, which the CLI reports as such.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deployments in progress: list, show, roll back, promote.",
    subcommands = {DeployCommand.ListDeployments.class, DeployCommand.Show.class, DeployCommand.Rollback.class,
        DeployCommand.Promote.class})
public final class DeployCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static String path(String id) {
    return Api.idPath("/v1/deployments", id);
  }

  @Command(name = "list", description = "Deployments in progress.")
  static final class ListDeployments extends ApiCommand {
    @Override
    int run() {
      JsonNode body = api().get("/v1/deployments");
      emit(body, () -> {
        Table t = new Table("ID", "APP", "TYPE", "PHASE", "PROGRESS", "STARTED");
        for (JsonNode d : body.path("deployments")) {
          t.row(d.path("id").asText(), d.path("appId").asText(), d.path("type").asText(), d.path("phase").asText(),
              d.path("progress").path("summary").asText(d.path("outcome").asText("-")), Human.age(d.path("startedAt"), now()));
        }
        t.print(out());
      });
      return Exit.OK;
    }
  }

  @Command(name = "show", description = "One deployment and its steps.")
  static final class Show extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT") String id;

    @Override
    int run() {
      JsonNode d = api().get(path(id));
      emit(d, () -> out().print(Yaml.of(d)));
      return Exit.OK;
    }
  }

  @Command(name = "rollback", description = "Stop a deployment and go back to the definition before it.")
  static final class Rollback extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT") String id;

    @Override
    int run() {
      JsonNode r = api().delete(path(id));
      emit(r, () -> out().println("rolling back deployment " + id));
      return Exit.OK;
    }
  }

  @Command(name = "promote", description = "Let a paused (canary) deployment go on to its next step.")
  static final class Promote extends ApiCommand {
    @Parameters(paramLabel = "DEPLOYMENT") String id;

    @Override
    int run() {
      JsonNode r = api().post(path(id) + "/promote", "{}");
      emit(r, () -> out().println("promoted deployment " + id));
      return Exit.OK;
    }
  }
}
