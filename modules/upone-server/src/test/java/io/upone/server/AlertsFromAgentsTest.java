package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.SchedulerConfig;
import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task that fails on a real agent: its alert names the exit code and ends with its last output. */
class AlertsFromAgentsTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final String marker = "upone-test-" + UUID.randomUUID();
  TestNode master;
  TestAgents agents;
  SlackReceiver slack;

  @AfterEach
  void stopAll() throws Exception {
    if (agents != null) agents.close();
    if (master != null) master.close();
    if (slack != null) slack.close();
    Procs.cleanUp(marker);
  }

  @Test
  void aFailedTaskSaysItsExitCodeAndItsLastLines() throws Exception {
    slack = new SlackReceiver().start();
    master = new TestNode(ServerConfig.single(dir.resolve("master"), TestNode.freePort(), TestNode.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 2000))
        .withAlerts(AlertsTest.quick().withDefaults(slack.webhook("default"), ""))).startReady();
    agents = new TestAgents(dir);
    agents.start(master.url(), "a1", "cpus:1;mem:256;disk:100;ports:[20000-20100]");
    TestNode.await("the agent", WAIT, () -> {
      TestNode.Resp r = master.get("/v1/agents");
      return r.status() == 200 && r.json().getJsonArray("agents").size() == 1;
    });
    // a channel of its own through the server's webhook; a long backoff: it fails once
    TestNode.Resp app = master.post("/v1/apps", "{\"id\": \"/shop/checkout\", \"cmd\": \"echo starting; "
        + "echo 'config /etc/checkout.yml missing' >&2; exit 3 # " + marker + "\", \"cpus\": 0.1, \"mem\": 16, "
        + "\"instances\": 1, \"backoffSeconds\": 600, \"alerts\": {\"channel\": \"#shop\"}}");
    assertEquals(201, app.status(), app.body());
    TestNode.await("the failure's message", WAIT, () -> !slack.accepted().isEmpty());
    SlackReceiver.Received m = slack.accepted().get(0);
    assertEquals("#shop", m.body().getString("channel"));
    assertTrue(m.path().startsWith("/services/T0UPONE/B0default/"), m.path());
    String text = m.text();
    // the app may have been launched again before its first failure was written: then both are one message
    assertTrue(text.matches("(?s)^TASK_FAILED( \u00d7\\d+)? - HOST: host-a1, APP: /shop/checkout, IMG: echo starting; .*"), text);
    assertTrue(text.contains(", EXIT: 3, "), text);
    assertTrue(text.endsWith("\n```\nconfig /etc/checkout.yml missing\n```"), text);
    assertEquals(java.util.List.of(), slack.violations());
  }
}
