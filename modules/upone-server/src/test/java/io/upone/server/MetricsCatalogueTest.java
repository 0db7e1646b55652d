package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every meter src-docs/metrics.md lists is served by {@code GET /metrics}, and the scheduler's
 * meters move when tasks run on a real agent.
 */
class MetricsCatalogueTest {
  static final Path DOC = Path.of("..", "..", "src-docs", "metrics.md").toAbsolutePath().normalize();
  @TempDir Path dir;
  final String marker = "upone-test-" + UUID.randomUUID();
  TestNode node;
  TestAgents agents;

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    if (node != null) node.close();
    Procs.cleanUp(marker);
  }

  /** The first column of the catalogue table: `name`. */
  static List<String> documentedNames() throws Exception {
    List<String> names = new ArrayList<>();
    boolean inCatalogue = false;
    Pattern row = Pattern.compile("^\\| `(upone_[a-z_]+)` \\|");
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("## ")) inCatalogue = line.equals("## The catalogue");
      Matcher m = row.matcher(line);
      if (inCatalogue && m.find()) names.add(m.group(1));
    }
    return names;
  }

  @Test
  void everyDocumentedMeterIsServedAndTheSchedulersMove() throws Exception {
    ServerConfig cfg = ServerConfig.single(dir.resolve("master"), TestNode.freePort(), TestNode.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 2000))
        .withBridge(BridgeConfig.defaults().withTcpPort(0));
    node = new TestNode(cfg).startReady();
    agents = new TestAgents(dir);
    agents.start(node.url(), "a", "cpus:4;mem:4096;disk:1000;ports:[31000-31099]");
    TestNode.await("the agent", Duration.ofSeconds(30), () -> gauge("upone_agents") == 1);

    List<String> names = documentedNames();
    assertTrue(names.size() >= 20, "the catalogue table was read: " + names);
    String scrape = node.get("/metrics").body();
    for (String name : names) {
      assertTrue(Pattern.compile("(?m)^" + name + "(_bucket|_count|_sum|_max)?(\\{| )").matcher(scrape).find(),
          "documented meter " + name + " is served");
    }

    assertEquals(201, node.post("/v1/apps", "{\"id\": \"/metrics/sleep\", \"cmd\": \"sleep 600; true # " + marker
        + "\", \"cpus\": 0.1, \"mem\": 16, \"instances\": 2}").status());
    TestNode.await("2 tasks running", Duration.ofSeconds(30), () -> gauge("upone_tasks_by_state{state=\"TASK_RUNNING\"}") == 2);
    try (BridgeWire client = new BridgeWire(node.server.bridgeTcpPort())) {
      client.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", client.read().getString("type"));
      assertEquals(1, gauge("upone_bridge_clients{transport=\"tcp\"}"));
    }
    TestNode.await("the bridge client gone", Duration.ofSeconds(10), () -> gauge("upone_bridge_clients{transport=\"tcp\"}") == 0);
    assertTrue(gauge("upone_offers_received_total") >= 1);
    assertTrue(gauge("upone_offers_launched_total") >= 1);
    assertTrue(gauge("upone_placement_latency_seconds_count") >= 1);
    assertTrue(gauge("upone_raft_commit_latency_seconds_count") >= 2, "the app and its launches committed");
    assertEquals(1, gauge("upone_leader_changes_total{to=\"leader\"}"));
    assertEquals(1, gauge("upone_apps"));
  }

  @Test
  void theGrafanaDashboardUsesTheCatalogue() throws Exception {
    Path dashboard = DOC.getParent().getParent().resolve("scripts").resolve("grafana-upone.json");
    JsonObject d = new JsonObject(Files.readString(dashboard));
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (Object p : d.getJsonArray("panels")) {
      for (Object t : ((JsonObject) p).getJsonArray("targets")) {
        Matcher m = Pattern.compile("upone_[a-z_]+").matcher(((JsonObject) t).getString("expr"));
        while (m.find()) used.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
      }
    }
    List<String> documented = documentedNames();
    for (String name : used) assertTrue(documented.contains(name), "the dashboard's " + name + " is in the catalogue");
    for (String name : documented) assertTrue(used.contains(name), "the catalogue's " + name + " is on the dashboard");
  }

  /** One sample's value from the scrape ({@code name} with its labels, as printed); 0 when absent. */
  double gauge(String sample) {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith(sample + " ")) return Double.parseDouble(line.substring(sample.length() + 1).trim());
    }
    return 0;
  }
}
