package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code upone job|agent|cluster|placement|events|completion} against one node with a real agent. */
class CliClusterTest extends MasterWithAgents {
  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:4;mem:4096;disk:1000;ports:[32200-32299]");
  }

  private Cli.Result cli(String... args) {
    return Cli.at(master.url(), args);
  }

  @Test
  void aJobCreatedRunNowSuspendedResumedDeleted() throws Exception {
    String file = Cli.file(dir, "job.json", "{\"id\": \"/cli/nightly\", \"schedule\": \"30 2 * * *\", \"timezone\": \"Europe/Berlin\","
        + " \"cmd\": \"echo ran # " + marker + "\", \"cpus\": 0.1, \"mem\": 16}");
    Cli.Result created = cli("job", "create", "-f", file);
    assertEquals("created job /cli/nightly (30 2 * * *)\n", created.out(), created.toString());

    Cli.Result list = cli("job", "list");
    List<String> lines = list.out().lines().toList();
    assertTrue(lines.get(0).matches("ID\\s+SCHEDULE\\s+ZONE\\s+STATE\\s+NEXT\\s+LAST RUN"), list.out());
    assertTrue(lines.get(1).matches("/cli/nightly\\s+30 2 \\* \\* \\*\\s+Europe/Berlin\\s+scheduled\\s+in \\S+\\s+-"), list.out());

    Cli.Result run = cli("job", "run", "/cli/nightly", "-o", "json");
    assertEquals(0, run.exit(), run.toString());
    String runId = new JsonObject(run.out()).getString("runId");
    TestNode.await("the run finished", WAIT, () -> {
      JsonObject h = new JsonObject(cli("job", "history", "/cli/nightly", "-o", "json").out());
      return h.getJsonArray("history").stream().map(o -> (JsonObject) o)
          .anyMatch(r -> r.getString("runId").equals(runId) && r.getString("state").equals("FINISHED"));
    });
    Cli.Result history = cli("job", "history", "/cli/nightly");
    assertTrue(history.out().lines().findFirst().orElseThrow().matches("RUN\\s+SCHEDULED\\s+STATE\\s+TOOK\\s+EXIT\\s+ATTEMPTS\\s+MANUAL\\s+MESSAGE"),
        history.out());
    assertTrue(history.out().lines().anyMatch(l -> l.startsWith(runId) && l.matches(".*\\sfinished\\s+\\d+s\\s+0\\s+1\\s+yes.*")),
        history.out());
    Cli.Result show = cli("job", "show", "/cli/nightly");
    assertTrue(show.out().contains("last run     finished "), show.out());

    assertEquals("suspended job /cli/nightly\n", cli("job", "suspend", "/cli/nightly").out());
    Map<String, Object> suspended = new Yaml().load(cli("job", "show", "/cli/nightly", "-o", "yaml").out());
    assertEquals("suspended", ((Map<?, ?>) suspended.get("status")).get("state"));
    assertTrue(cli("job", "resume", "/cli/nightly").out().startsWith("resumed job /cli/nightly, next run in "));
    assertEquals("deleted job /cli/nightly\n", cli("job", "delete", "/cli/nightly").out());
    assertEquals(1, cli("job", "show", "/cli/nightly").exit());

    Cli.Result never = cli("job", "create", "-f", Cli.file(dir, "bad.json",
        "{\"id\": \"/cli/bad\", \"schedule\": \"0 0 30 2 *\", \"cmd\": \"true\"}"));
    assertEquals(1, never.exit(), never.toString());
    assertTrue(never.err().contains("\n  schedule: "), never.err());
  }

  @Test
  void agentsClusterAndPlacement() throws Exception {
    Cli.Result agents = cli("agent", "list");
    assertEquals(0, agents.exit(), agents.toString());
    assertTrue(agents.out().lines().skip(1).findFirst().orElseThrow()
        .matches("agent-\\S+\\s+host-a\\s+0/4\\s+0/4096\\s+0/1000\\s+0\\s+\\S+\\s+\\d+\\S* ago\\s+rack:a"), agents.out());
    assertEquals(1, new JsonObject(cli("agent", "list", "-o", "json").out()).getJsonArray("agents").size());

    Cli.Result members = cli("cluster", "members");
    assertTrue(members.out().contains(master.url() + "  leader  yes"), members.out());
    JsonArray m = new JsonArray(cli("cluster", "members", "-o", "json").out());
    assertEquals(1, m.size());
    Cli.Result leader = cli("cluster", "leader");
    assertTrue(leader.out().startsWith(master.url() + "  (raft 127.0.0.1:"), leader.out());
    assertEquals(master.url(), ((Map<?, ?>) new Yaml().load(cli("cluster", "leader", "-o", "yaml").out())).get("http"));

    // an app no agent can take: why it is pending
    cli("app", "create", "-f", Cli.file(dir, "far.json", sleepApp("/cli/far", 2, ", \"constraints\": [[\"rack\", \"IS\", \"z\"]]")));
    TestNode.await("a report for /cli/far", WAIT, () -> cli("placement", "why", "/cli/far").out().contains("IS(rack:z)"));
    Cli.Result why = cli("placement", "why", "/cli/far");
    assertTrue(why.out().startsWith("/cli/far: 2 of 2 instances pending\nplaced 0 of 2"), why.out());
    assertTrue(why.out().lines().anyMatch(l -> l.matches("IS\\(rack:z\\)\\s+1")), why.out());

    String plan = Cli.file(dir, "plan.json", "{\"id\": \"/cli/plan\", \"cmd\": \"sleep 1\", \"cpus\": 1, \"instances\": 6}");
    Cli.Result whatIf = cli("placement", "what-if", "-f", plan);
    assertTrue(whatIf.out().startsWith("/cli/plan: 4 of 6 instances fit now\n"), whatIf.out());
    assertTrue(whatIf.out().lines().anyMatch(l -> l.matches("agent-\\S+\\s+host-a\\s+4")), whatIf.out());
    assertEquals(4, new JsonObject(cli("placement", "what-if", "-f", plan, "-o", "json").out()).getInteger("fits"));
    assertEquals(1, new JsonObject(cli("app", "list", "-o", "json").out()).getJsonArray("apps").size(), "what-if wrote nothing");
  }

  @Test
  void eventsTailAndFollow() throws Exception {
    cli("app", "create", "-f", Cli.file(dir, "e.json", sleepApp("/cli/ev", 0, "")));
    Cli.Result tail = cli("events", "tail", "--from", "1");
    assertEquals(0, tail.exit(), tail.toString());
    assertTrue(tail.out().lines().findFirst().orElseThrow().matches("INDEX\\s+TIME\\s+KIND\\s+DETAIL"), tail.out());
    assertTrue(tail.out().lines().anyMatch(l -> l.matches("\\d+\\s+20\\d\\d-\\S+Z\\s+AppCreated\\s+\\{.*/cli/ev.*")), tail.out());
    List<String> nd = cli("events", "tail", "--from", "1", "-o", "json").out().lines().toList();
    assertTrue(nd.stream().map(JsonObject::new).anyMatch(e -> e.containsKey("appCreated")), nd.toString());

    // --follow until --count events: the next two commits arrive live, then it ends with 0
    long next = master.lastEventIndex() + 1;
    CompletableFuture<Cli.Result> follow = CompletableFuture.supplyAsync(
        () -> cli("events", "tail", "--from", String.valueOf(next), "--follow", "--count", "2", "-o", "json"));
    assertEquals(200, master.put("/v1/apps/cli/ev/instances", "{\"instances\": 0}").status());
    assertEquals(200, master.delete("/v1/apps/cli/ev").status());
    Cli.Result followed = follow.get(30, TimeUnit.SECONDS);
    assertEquals(0, followed.exit(), followed.toString());
    List<JsonObject> events = followed.out().lines().map(JsonObject::new).toList();
    assertEquals(List.of(String.valueOf(next), String.valueOf(next + 1)), events.stream().map(e -> e.getString("index")).toList());
    assertTrue(events.get(0).containsKey("appScaled") && events.get(1).containsKey("appDeleted"), events.toString());

    Cli.Result zero = cli("events", "tail", "--from", "0");
    assertEquals(2, zero.exit(), zero.toString());
    assertTrue(zero.err().contains("--from must be at least 1"), zero.err());
  }

  @Test
  void completionCoversEveryCommand() {
    Cli.Result c = Cli.run("completion");
    assertEquals(0, c.exit());
    assertTrue(c.out().contains("complete -F _complete_upone"), c.out().substring(0, 200));
    for (String word : List.of("app", "task", "job", "deploy", "agent", "cluster", "events", "placement", "what-if", "scale", "--follow")) {
      assertTrue(c.out().contains(word), word);
    }
  }
}
