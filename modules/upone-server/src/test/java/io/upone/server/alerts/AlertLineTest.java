package io.upone.server.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLineTest {
  static final Route R = new Route("https://hooks.slack.com/services/T/B/x", "team-x");
  static final long CREATED = 1_796_033_267_000L; // 2026-11-30 10:07:47 UTC

  @Test
  void aLostTaskInTheProductsForm() {
    Alert a = new Alert(7, CREATED + 1000, AlertKind.TASK_LOST, R, "/audit/upauditor", "audit.1", "192.168.14.120",
        "registry.local/upauditor:3", CREATED, "Slave 192.168.14.120 disconnected", null, "a1");
    assertEquals("TASK_LOST - HOST: 192.168.14.120, APP: /audit/upauditor, IMG: registry.local/upauditor:3, "
        + "CREATED: 2026-11-30 10:07:47 UTC, MSG: Slave 192.168.14.120 disconnected, TASK: audit.1", AlertLine.of(a));
  }

  @Test
  void aFailedTaskSaysItsExitCodeAndEndsWithItsOutput() {
    Alert a = new Alert(7, CREATED, AlertKind.TASK_FAILED, R, "/web", "web.1", "h1", "./run --port $PORT", CREATED,
        "exited", 3, "a1");
    String line = AlertLine.of(a);
    assertEquals("TASK_FAILED - HOST: h1, APP: /web, IMG: ./run --port $PORT, CREATED: 2026-11-30 10:07:47 UTC, EXIT: 3, "
        + "MSG: exited, TASK: web.1", line);
    assertEquals(line + "\n```\npanic: no &lt;config&gt;\nexit\n```", AlertLine.withOutput(line, List.of("panic: no <config>", "exit")));
  }

  @Test
  void slacksControlCharactersAreEscaped() {
    Alert a = new Alert(1, 0, AlertKind.RAISED, R, "/web", "", "", "", 0, "a <b> & c", null, "");
    assertEquals("RAISED - APP: /web, MSG: a &lt;b&gt; &amp; c", AlertLine.of(a));
  }

  @Test
  void aGroupSaysHowManyWhichAppsAndSomeTasks() {
    Group g = new Group(AlertKind.AGENT_LOST, R, "192.168.14.120", 0);
    for (int i = 0; i < 25; i++) {
      g.add(new Alert(10 + i, 0, AlertKind.AGENT_LOST, R, i < 20 ? "/a" : "/b", "t" + i, "192.168.14.120", "busybox",
          CREATED + i * 1000L, "agent gone", null, "a1"));
    }
    String text = AlertLine.of(g);
    assertTrue(text.startsWith("AGENT_LOST \u00d725 - HOST: 192.168.14.120, APP: /a (20), /b (5), IMG: busybox, "
        + "CREATED: 2026-11-30 10:07:47 UTC .. 2026-11-30 10:08:11 UTC, MSG: agent gone\nTASKS: t0, t1,"), text);
    assertTrue(text.endsWith("t9 (+15 more)"), text);
  }

  @Test
  void aGroupOfFailuresSaysTheirExitCodes() {
    Group g = new Group(AlertKind.TASK_FAILED, R, "h1", 0);
    g.add(new Alert(1, 0, AlertKind.TASK_FAILED, R, "/web", "w1", "h1", "./run", CREATED, "exited", 3, "a1"));
    g.add(new Alert(2, 0, AlertKind.TASK_FAILED, R, "/web", "w2", "h1", "./run", CREATED, "exited", 1, "a1"));
    assertEquals("TASK_FAILED \u00d72 - HOST: h1, APP: /web, IMG: ./run, CREATED: 2026-11-30 10:07:47 UTC, EXIT: 1, 3, "
        + "MSG: exited\nTASKS: w1, w2", AlertLine.of(g));
  }

  @Test
  void longTextIsCut() {
    Alert a = new Alert(1, 0, AlertKind.RAISED, R, "/web", "", "", "", 0, "x".repeat(10_000), null, "");
    assertTrue(AlertLine.of(a).length() < 400);
    assertTrue(AlertLine.withOutput("line", List.of("y".repeat(290), "z".repeat(290)).stream()
        .flatMap(s -> java.util.stream.Stream.generate(() -> s).limit(10)).toList()).length() <= AlertLine.MAX_TEXT);
    assertEquals("line\n(3 similar held back since 2026-11-30 10:07:47 UTC)",
        AlertLine.withRepeats("line", 3, Map.entry(CREATED, CREATED + 5)));
  }

  @Test
  void theChannelGetsItsHash() {
    assertEquals("#team-x", R.slackChannel());
    assertEquals("", new Route("https://h/x", "").slackChannel());
    assertTrue(!R.toString().contains("services"), "the webhook's secret path stays out of logs");
  }
}
