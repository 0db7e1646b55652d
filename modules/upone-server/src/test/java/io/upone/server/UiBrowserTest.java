package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The web UI in Debian's Chromium, driven by playwright-core from
 * {@code modules/upone-ui/ui-tests/scenario.mjs}, against a real node with a real agent. The
 * script prints RESTART when the page should see the node go away and come back; this test
 * restarts the node (same ports, same data) and answers on the script's stdin. Screenshots are
 * written to {@code target/ui-screenshots/}, with the script's log of steps and their times. Without Chromium or {@code npm ci} the test is
 * skipped, except under CI, where .ci/run installs both and a skip would hide a missing step.
 */
class UiBrowserTest extends MasterWithAgents {
  static final Path TESTS = Path.of("..", "upone-ui", "ui-tests").toAbsolutePath().normalize();
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  @Test
  void aPersonCreatesWatchesScalesAndDeletes() throws Exception {
    boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(TESTS.resolve("node_modules/playwright-core"));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(ready, "needs " + CHROMIUM + " and `npm ci` in " + TESTS);
    } else {
      assertTrue(ready, "CI must install chromium and run `npm ci` in " + TESTS);
    }
    startWithAgents("a", "cpus:4;mem:4096;disk:1000;ports:[32300-32399]");
    Path shots = Path.of("target", "ui-screenshots").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder("node", "scenario.mjs", master.url(), shots.toString(), marker)
        .directory(TESTS.toFile());
    pb.environment().put("CHROMIUM", CHROMIUM.toString());
    ScriptedProcess.Result run = ScriptedProcess.run(pb, 60, line -> {
      if (!line.equals("RESTART")) return null;
      master.stop();
      master.startReady();
      return "restarted";
    });
    List<String> out = run.out();
    String log = run.log();
    Files.writeString(shots.resolve("scenario.log"), log + "\n");
    assertEquals(0, run.exit(), log);
    assertTrue(out.contains("PASS ui scenario"), log);
    for (String shot : List.of("apps-list", "app-3-of-3", "app-scaled-to-1", "app-why-pending", "form-field-errors",
        "job-run-finished", "apps-phone", "apps-deleted")) {
      assertTrue(Files.size(shots.resolve(shot + ".png")) > 5000, shot);
    }
  }
}
