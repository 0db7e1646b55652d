package io.upone.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A script (a Node test) that talks with its Java test line by line: every line it prints is
 * kept and handed to the test, which may answer one line on the script's stdin.
 */
final class ScriptedProcess {
  private ScriptedProcess() {}

  /** What the test does on one line of the script's output: the line to answer, or null. */
  interface Step {
    String on(String line) throws Exception;
  }

  record Result(int exit, List<String> out) {
    String log() {
      return String.join("\n", out);
    }
  }

  /** Runs the script to its end (stderr merged into stdout), at most {@code seconds} after its output ends. */
  static Result run(ProcessBuilder pb, int seconds, Step step) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
        String answer = step.on(line);
        if (answer != null) in.println(answer);
      }
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("the script did not end:\n" + String.join("\n", out));
      return new Result(p.exitValue(), out);
    } finally {
      p.destroyForcibly();
    }
  }
}
