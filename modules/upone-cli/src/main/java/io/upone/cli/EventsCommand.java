package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.cli.Subcommand;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code upone events tail}: the committed event log through {@code /v1/events}. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Read the event log.",
    subcommands = {EventsCommand.Tail.class})
public final class EventsCommand implements Subcommand {
  private static final java.util.Set<String> ENVELOPE = java.util.Set.of("index", "term", "timestampMs", "entryIndex");
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Groups.usage(spec);
  }

  /** The payload key of an NDJSON event ({@code appCreated}, ...). */
  static Map.Entry<String, JsonNode> payload(JsonNode event) {
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ENVELOPE.contains(e.getKey())) return e;
    }
    return Map.entry("?", Api.object());
  }

  @Command(name = "tail", description = "Print the last events (or from --from), and with --follow new ones as they commit.")
  static final class Tail extends ApiCommand {
    @Option(names = "--from", paramLabel = "INDEX", description = "first event index (default: the last 10 events)")
    Long from;
    @Option(names = {"-f", "--follow"}, description = "keep printing new events until Ctrl-C") boolean follow;
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "stop after N events") Integer count;

    @Override
    int run() {
      long start = from != null ? from : Math.max(1, api().get("/v1/cluster").path("lastEventIndex").asLong() - 9);
      if (start < 1) throw new UsageProblem("--from must be at least 1");
      PrintWriter out = out();
      if (table()) {
        out.printf("%-8s  %-24s  %-20s  %s%n", "INDEX", "TIME", "KIND", "DETAIL");
        out.flush();
      }
      AtomicInteger seen = new AtomicInteger();
      Api.Streams streams = new Api.Streams();
      boolean endedByServer;
      try (StopOnSignal stop = StopOnSignal.install(streams, follow)) {
        endedByServer = api().lines("/v1/events?from=" + start + "&follow=" + follow, line -> {
          print(out, line);
          return count == null || seen.incrementAndGet() < count;
        }, streams);
      }
      if (follow && endedByServer && !streams.closing()) {
        throw new Unreachable(api().base(), "the server ended the event stream; resume with --from " + (start + seen.get()));
      }
      return Exit.OK;
    }

    private void print(PrintWriter out, String line) {
      JsonNode e;
      try {
        e = Api.JSON.readTree(line);
      } catch (Exception notJson) {
        throw new Unreachable(api().base(), "the event stream sent a line that is not JSON");
      }
      switch (opts.output) {
        case json -> out.println(line);
        case yaml -> out.print("---\n" + Yaml.of(e));
        case table -> {
          Map.Entry<String, JsonNode> p = payload(e);
          String kind = Character.toUpperCase(p.getKey().charAt(0)) + p.getKey().substring(1);
          String time = Instant.ofEpochMilli(e.path("timestampMs").asLong()).toString();
          out.printf("%-8s  %-24s  %-20s  %s%n", e.path("index").asText(), time, kind, Human.cut(p.getValue().toString(), 120));
        }
      }
      out.flush();
    }
  }
}
