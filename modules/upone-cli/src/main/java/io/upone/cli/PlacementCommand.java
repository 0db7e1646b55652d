package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upone placement why|what-if}: why an app is pending, where a spec would fit. */
@Command(name = "placement", mixinStandardHelpOptions = true, description = "Why an app is pending; where an app would fit.",
    subcommands = {PlacementCommand.Why.class, PlacementCommand.WhatIf.class})
public final class PlacementCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  static void rejected(Table t, JsonNode report) {
    report.path("rejected").fields().forEachRemaining(e -> t.row(e.getKey(), e.getValue().asInt()));
  }

  @Command(name = "why", description = "Why an app's instances are pending: the filters that turned agents down.")
  static final class Why extends ApiCommand {
    @Parameters(paramLabel = "APP") String id;

    @Override
    int run() {
      JsonNode w = api().get(AppCommand.path(id) + "/placement");
      emit(w, () -> {
        JsonNode report = w.path("report");
        out().println(w.path("appId").asText() + ": " + w.path("pending").asInt() + " of " + w.path("instances").asInt()
            + " instances pending");
        if (report.isMissingNode() || report.isNull()) {
          out().println(Human.text(w.path("message")));
          return;
        }
        out().println(report.path("summary").asText() + " (at " + Human.text(report.path("at")) + ")");
        if (!report.path("error").asText("").isEmpty()) out().println("error: " + report.path("error").asText());
        Table t = new Table("REJECTED BY", "AGENTS");
        rejected(t, report);
        if (t.size() > 0) {
          out().println();
          t.print(out());
        }
      });
      return Exit.OK;
    }
  }

  @Command(name = "what-if", description = "Where an app definition would fit now; writes nothing.")
  static final class WhatIf extends ApiCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "an app definition; - reads stdin")
    String file;

    @Override
    int run() {
      JsonNode w = api().post("/v1/placement/what-if", readJsonFile(file));
      emit(w, () -> {
        out().println(w.path("appId").asText() + ": " + w.path("fits").asInt() + " of " + w.path("requested").asInt()
            + " instances fit now");
        Table agents = new Table("AGENT", "HOST", "INSTANCES");
        for (JsonNode a : w.path("agents")) agents.row(a.path("agentId").asText(), a.path("hostname").asText(), a.path("instances").asInt());
        if (agents.size() > 0) agents.print(out());
        Table t = new Table("REJECTED BY", "AGENTS");
        rejected(t, w.path("report"));
        if (t.size() > 0) t.print(out());
      });
      return Exit.OK;
    }
  }
}
