package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        .directory(TESTS.toFile()).redirectErrorStream(true);
    pb.environment().put("CHROMIUM", CHROMIUM.toString());
    Process p = pb.start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
        if (line.equals("RESTART")) {
          master.stop();
          master.startReady();
          in.println("restarted");
        }
      }
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the browser script ended");
    } finally {
      p.destroyForcibly();
    }
    String log = String.join("\n", out);
    Files.writeString(shots.resolve("scenario.log"), log + "\n");
    assertEquals(0, p.exitValue(), log);
    assertTrue(out.contains("PASS ui scenario"), log);
    for (String shot : List.of("apps-list", "app-3-of-3", "app-scaled-to-1", "app-why-pending", "form-field-errors",
        "job-run-finished", "apps-phone", "apps-deleted")) {
      assertTrue(Files.size(shots.resolve(shot + ".png")) > 5000, shot);
    }
  }
}
