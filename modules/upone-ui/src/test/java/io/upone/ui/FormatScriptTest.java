package io.upone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs the UI's formatting tests ({@code ui-tests/format.test.mjs}) with node's own test runner. */
class FormatScriptTest {
  @Test
  void formattingPassesUnderNode() throws Exception {
    boolean haveNode;
    try {
      haveNode = new ProcessBuilder("node", "--version").start().waitFor() == 0;
    } catch (java.io.IOException notInstalled) {
      haveNode = false;
    }
    if (System.getenv("CI") == null) Assumptions.assumeTrue(haveNode, "needs node");
    Path log = Files.createTempFile("upone-ui-format", ".log");
    Process p = new ProcessBuilder("node", "--test", "format.test.mjs").directory(Path.of("ui-tests").toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
    String out = Files.readString(log);
    Files.delete(log);
    assertEquals(0, p.exitValue(), out);
  }
}
