package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code upone agent list}. The server's own {@code agent} command (run an agent) has the same
 * name: the server's Main adds this command's subcommands to it.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "The agents the leader knows.",
    subcommands = {AgentsCommand.ListAgents.class})
public final class AgentsCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static String used(JsonNode a, String r) {
    return Human.number(a.path("used").path(r)) + "/" + Human.number(a.path("resources").path(r));
  }

  @Command(name = "list", description = "Every agent: host, resources used/offered, tasks, load, last heartbeat.")
  static final class ListAgents extends ApiCommand {
    @Override
    int run() {
      JsonNode body = api().get("/v1/agents");
      emit(body, () -> {
        Table t = new Table("ID", "HOST", "CPUS", "MEM", "DISK", "TASKS", "LOAD", "SEEN", "ATTRIBUTES");
        for (JsonNode a : body.path("agents")) {
          StringBuilder attrs = new StringBuilder();
          a.path("attributes").fields().forEachRemaining(e -> attrs.append(attrs.isEmpty() ? "" : ",")
              .append(e.getKey()).append(':').append(e.getValue().asText()));
          long seenMs = a.path("lastSeenMs").asLong();
          String seen = seenMs == 0 ? "-" : Human.duration(Duration.between(Instant.ofEpochMilli(seenMs), now())) + " ago";
          t.row(a.path("id").asText(), a.path("hostname").asText(), used(a, "cpus"), used(a, "mem"), used(a, "disk"),
              a.path("tasks").asInt(), String.format("%.2f", a.path("load").asDouble()), seen,
              attrs.isEmpty() ? "-" : attrs.toString());
        }
        t.print(out());
      });
      return Exit.OK;
    }
  }
}
