package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code upone cluster members|leader}: the raft group as the answering node sees it ({@code /v1/cluster}). */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The raft group: members and leader.",
    subcommands = {ClusterCommand.Members.class, ClusterCommand.Leader.class})
public final class ClusterCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  @Command(name = "members", description = "Every member with its raft and HTTP address; which leads, which answered.")
  static final class Members extends ApiCommand {
    @Override
    int run() {
      JsonNode c = api().get("/v1/cluster");
      emit(c.path("members"), () -> {
        Table t = new Table("RAFT", "HTTP", "ROLE", "ANSWERED");
        for (JsonNode m : c.path("members")) {
          String role = m.path("leader").asBoolean() ? "leader" : m.path("self").asBoolean() ? c.path("role").asText() : "member";
          t.row(m.path("raft").asText(), m.path("http").asText(), role, m.path("self").asBoolean() ? "yes" : "");
        }
        t.print(out());
        out().println("term " + c.path("term").asText() + ", last event " + c.path("lastEventIndex").asText());
      });
      return Exit.OK;
    }
  }

  @Command(name = "leader", description = "The leader this node knows (exit 1 during an election).")
  static final class Leader extends ApiCommand {
    @Override
    int run() {
      JsonNode c = api().get("/v1/cluster");
      JsonNode leader = c.path("leader");
      if (leader.isMissingNode() || leader.isNull()) {
        err().println("upone: no leader known to " + api().base() + " (role " + c.path("role").asText() + ")");
        err().flush();
        return Exit.REFUSED;
      }
      emit(leader, () -> out().println(leader.path("http").asText() + "  (raft " + leader.path("raft").asText()
          + ", term " + c.path("term").asText() + ")"));
      return Exit.OK;
    }
  }
}
