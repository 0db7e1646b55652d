package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code upone app ...} and {@code upone task ...} against one node with a real agent, as a person types them. */
class CliAppsTest extends MasterWithAgents {
  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:8;mem:8192;disk:1000;ports:[32100-32199]");
  }

  private Cli.Result cli(String... args) {
    return Cli.at(master.url(), args);
  }

  private JsonObject appJson(String id) {
    Cli.Result r = cli("app", "show", id, "-o", "json");
    assertEquals(0, r.exit(), r.toString());
    return new JsonObject(r.out());
  }

  @Test
  void anAppFromCreateToDelete() throws Exception {
    String file = Cli.file(dir, "web.json", sleepApp("/cli/web", 3, ""));
    Cli.Result created = cli("app", "create", "-f", file);
    assertEquals(0, created.exit(), created.toString());
    assertEquals("created /cli/web (version 1, 3 instances)\n", created.out());

    TestNode.await("3 running", WAIT, () -> appJson("/cli/web").getInteger("tasksRunning") == 3);
    Cli.Result list = cli("app", "list");
    assertEquals(0, list.exit(), list.toString());
    List<String> lines = list.out().lines().toList();
    assertTrue(lines.get(0).matches("ID\\s+CMD/IMAGE\\s+CPUS\\s+MEM\\s+DISK\\s+NETWORK\\s+RUNNING\\s+HEALTHY\\s+VERSION"), list.out());
    assertTrue(lines.get(1).matches("/cli/web\\s+sleep 600.*\\s+0\\.1\\s+16\\s+0\\s+host\\s+3/3\\s+-\\s+1"), list.out());
    assertEquals(lines.get(0).indexOf("RUNNING"), lines.get(1).indexOf("3/3"), "columns aligned:\n" + list.out());

    // the same list for scripts: JSON is the API's body, YAML reads back to the same data
    JsonObject asJson = new JsonObject(cli("app", "list", "-o", "json").out());
    assertEquals("/cli/web", asJson.getJsonArray("apps").getJsonObject(0).getString("id"));
    Map<String, Object> asYaml = new Yaml().load(cli("app", "list", "-o", "yaml").out());
    assertEquals(asJson.getMap().get("apps").toString().length() > 0, true);
    assertEquals(new JsonObject(asYaml).getJsonArray("apps").getJsonObject(0).getString("id"), "/cli/web");
    assertEquals(0.1, new JsonObject(asYaml).getJsonArray("apps").getJsonObject(0).getDouble("cpus"));

    Cli.Result show = cli("app", "show", "/cli/web");
    assertEquals(0, show.exit(), show.toString());
    assertTrue(show.out().contains("instances      3/3"), show.out());
    assertEquals(3, show.out().lines().filter(l -> l.startsWith("cli_web.")).count(), show.out());
    assertTrue(show.out().lines().filter(l -> l.startsWith("cli_web.")).allMatch(l -> l.contains("host-a") && l.contains(" running ")),
        show.out());

    // tasks: one app's or all, table and JSON
    Cli.Result tasks = cli("task", "list", "--app", "/cli/web", "-o", "json");
    JsonArray t = new JsonObject(tasks.out()).getJsonArray("tasks");
    assertEquals(3, t.size());
    Cli.Result all = cli("task", "list");
    assertTrue(all.out().lines().findFirst().orElseThrow().matches("ID\\s+APP\\s+HOST\\s+PORTS\\s+STATE\\s+HEALTH\\s+AGE\\s+VERSION"), all.out());
    String port = String.valueOf(t.getJsonObject(0).getJsonArray("ports").getInteger(0));
    assertTrue(all.out().contains(port), all.out());

    Cli.Result scaled = cli("app", "scale", "/cli/web", "1");
    assertEquals("scaled /cli/web to 1 instances (version 2)\n", scaled.out(), scaled.toString());
    TestNode.await("1 task left", WAIT, () -> new JsonObject(cli("task", "list", "--app", "cli/web", "-o", "json").out())
        .getJsonArray("tasks").size() == 1);

    // kill without --scale: replaced; with --scale: the app goes to 0
    String first = new JsonObject(cli("task", "list", "-o", "json").out()).getJsonArray("tasks").getJsonObject(0).getString("id");
    Cli.Result killed = cli("task", "kill", first);
    assertEquals(0, killed.exit(), killed.toString());
    assertEquals("killing " + first + " (a replacement will start)\n", killed.out());
    TestNode.await("a replacement running", WAIT, () -> {
      JsonArray now = new JsonObject(cli("task", "list", "-o", "json").out()).getJsonArray("tasks");
      return now.size() == 1 && !now.getJsonObject(0).getString("id").equals(first)
          && now.getJsonObject(0).getString("state").equals("TASK_RUNNING");
    });
    String second = new JsonObject(cli("task", "list", "-o", "json").out()).getJsonArray("tasks").getJsonObject(0).getString("id");
    Cli.Result killScale = cli("task", "kill", second, "--scale", "-o", "yaml");
    assertEquals(0, killScale.exit(), killScale.toString());
    Map<String, Object> k = new Yaml().load(killScale.out());
    assertEquals(second, k.get("id"));
    assertEquals(true, k.get("killing"));
    assertEquals(0, appJson("/cli/web").getInteger("instances"));

    // update: the whole definition from a file
    String v2 = Cli.file(dir, "web2.json", sleepApp("/cli/web", 2, ", \"env\": {\"COLOR\": \"blue\"}"));
    Cli.Result updated = cli("app", "update", "-f", v2);
    assertEquals(0, updated.exit(), updated.toString());
    assertTrue(updated.out().startsWith("updated /cli/web to version "), updated.out());
    TestNode.await("2 running after the update", WAIT, () -> appJson("/cli/web").getInteger("tasksRunning") == 2);
    assertTrue(cli("app", "show", "/cli/web").out().contains("COLOR=blue"));

    Cli.Result deleted = cli("app", "delete", "/cli/web");
    assertEquals("deleted /cli/web\n", deleted.out(), deleted.toString());
    Cli.Result gone = cli("app", "show", "/cli/web");
    assertEquals(1, gone.exit(), gone.toString());
    assertTrue(gone.err().startsWith("upone: "), gone.err());
    assertTrue(gone.err().contains("[app_not_found, 404 on GET /v1/apps/cli/web]"), gone.err());
    assertEquals("", gone.out());
    TestNode.await("the tasks end", WAIT, () -> new JsonObject(cli("task", "list", "-o", "json").out()).getJsonArray("tasks").isEmpty());
  }

  @Test
  void refusalsNameTheFieldAndExitOne() throws Exception {
    String bad = Cli.file(dir, "bad.json", "{\"id\": \"/Bad\", \"cmd\": \"true\", \"cpus\": 0, \"instances\": -1}");
    Cli.Result r = cli("app", "create", "-f", bad);
    assertEquals(1, r.exit(), r.toString());
    assertEquals("", r.out());
    assertTrue(r.err().contains("[invalid_request, 400 on POST /v1/apps]"), r.err());
    assertTrue(r.err().contains("\n  cpus: must be greater than 0"), r.err());
    assertTrue(r.err().contains("\n  id: "), r.err());
    assertTrue(r.err().contains("\n  instances: "), r.err());
    assertEquals(0, master.get("/v1/apps").json().getJsonArray("apps").size(), "nothing written");

    Cli.Result scaleUnknown = cli("app", "scale", "/cli/none", "2", "-o", "json");
    assertEquals(1, scaleUnknown.exit());
    assertTrue(scaleUnknown.err().contains("app_not_found"), scaleUnknown.err());
    Cli.Result killUnknown = cli("task", "kill", "nope.1");
    assertEquals(1, killUnknown.exit());
    assertTrue(killUnknown.err().contains("task_not_found"), killUnknown.err());
  }

  @Test
  void usageProblemsExitTwoAndAnUnreachableServerThree() throws Exception {
    Cli.Result missing = cli("app", "create", "-f", dir.resolve("nope.json").toString());
    assertEquals(2, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("no such file"), missing.err());
    String notJson = Cli.file(dir, "x.json", "{\"id\": ");
    Cli.Result nj = cli("app", "create", "-f", notJson);
    assertEquals(2, nj.exit(), nj.toString());
    assertTrue(nj.err().contains("is not JSON"), nj.err());
    Cli.Result unknownOption = cli("app", "list", "--colour");
    assertEquals(2, unknownOption.exit(), unknownOption.toString());
    assertTrue(unknownOption.err().contains("Unknown option: '--colour'"), unknownOption.err());
    Cli.Result notANumber = cli("app", "scale", "/x", "many");
    assertEquals(2, notANumber.exit(), notANumber.toString());
    Cli.Result badFormat = cli("app", "list", "-o", "xml");
    assertEquals(2, badFormat.exit(), badFormat.toString());
    Cli.Result group = cli("app");
    assertEquals(2, group.exit());
    assertTrue(group.err().contains("Usage: upone app"), group.err());
    Cli.Result noMaster = Cli.run("agent");
    assertEquals(2, noMaster.exit(), noMaster.toString());
    assertTrue(noMaster.err().contains("--master"), noMaster.err());

    String closed = "http://127.0.0.1:" + TestNode.freePort();
    Cli.Result down = Cli.at(closed, "app", "list");
    assertEquals(3, down.exit(), down.toString());
    assertTrue(down.err().startsWith("upone: cannot reach " + closed + ": connection refused"), down.err());
  }

  @Test
  void versionsRestartRollbackAndDeployments() throws Exception {
    cli("app", "create", "-f", Cli.file(dir, "a.json", sleepApp("/cli/one", 1, "")));
    TestNode.await("1 running", WAIT, () -> appJson("/cli/one").getInteger("tasksRunning") == 1);
    Cli.Result versions = cli("app", "versions", "/cli/one");
    assertEquals(0, versions.exit(), versions.toString());
    assertTrue(versions.out().startsWith("VERSION"), versions.out());
    assertEquals(0, cli("app", "restart", "/cli/one").exit());
    assertEquals(2, appJson("/cli/one").getLong("version"));
    TestNode.await("the restart's deployment ended", WAIT,
        () -> master.get("/v1/deployments").json().getJsonArray("deployments").isEmpty());
    Cli.Result rolled = cli("app", "rollback", "/cli/one", "--to", "1");
    assertEquals(0, rolled.exit(), rolled.toString());
    assertTrue(rolled.out().contains("back to the definition of version 1 (now version 3)"), rolled.out());
    Cli.Result list = cli("deploy", "list");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.out().startsWith("ID"), list.out());
    String first = master.get("/v1/deployments?all=true").json().getJsonArray("deployments").getJsonObject(0).getString("id");
    Cli.Result show = cli("deploy", "show", first, "-o", "json");
    assertEquals(0, show.exit(), show.toString());
    assertEquals("/cli/one", new JsonObject(show.out()).getString("appId"));
    Cli.Result promote = cli("deploy", "promote", first);
    assertEquals(1, promote.exit(), promote.toString());
    assertTrue(promote.err().contains("not_canary") || promote.err().contains("deployment_finished"), promote.err());
    Cli.Result unknown = cli("deploy", "rollback", "dep-nope");
    assertEquals(1, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("deployment dep-nope does not exist"), unknown.err());
  }

  @Test
  void taskLogsAndFollowingThem() throws Exception {
    String cmd = "for i in $(seq 1 600); do echo line-$i; sleep 0.1; done; sleep 600 # " + marker;
    cli("app", "create", "-f", Cli.file(dir, "a.json", "{\"id\": \"/cli/talk\", \"cmd\": \"" + cmd + "\", "
        + "\"cpus\": 0.1, \"mem\": 16, \"instances\": 1}"));
    TestNode.await("1 running", WAIT, () -> appJson("/cli/talk").getInteger("tasksRunning") == 1);
    String task = new JsonObject(cli("task", "list", "-o", "json").out()).getJsonArray("tasks").getJsonObject(0).getString("id");
    TestNode.await("some output", WAIT, () -> cli("task", "logs", task).out().contains("line-3"));
    Cli.Result err = cli("task", "logs", task, "--stderr");
    assertEquals(0, err.exit(), err.toString());
    assertEquals("", err.out(), "nothing on stderr");
    // following: lines written after the request come through the same open answer
    java.net.http.HttpResponse<java.util.stream.Stream<String>> r = TestNode.HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(master.url() + "/v1/tasks/" + task + "/logs?follow=true&bytes=16")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    int first = -1;
    int later = -1;
    try (java.util.stream.Stream<String> lines = r.body()) {
      for (java.util.Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String l = it.next();
        if (!l.startsWith("line-")) continue;
        int n = Integer.parseInt(l.substring(5));
        if (first < 0) first = n;
        if (n >= first + 15) {
          later = n;
          break;
        }
      }
    }
    assertTrue(later >= first + 15, "output written while following arrived: from " + first + " to " + later);
    Cli.Result unknown = cli("task", "logs", "no.such-task");
    assertEquals(1, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("task no.such-task does not exist"), unknown.err());
  }
}
