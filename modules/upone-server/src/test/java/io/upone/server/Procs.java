package io.upone.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds and ends the real processes a test started (by a marker in their command line). */
final class Procs {
  private Procs() {}

  static List<Long> pids(String marker) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> {
      String cmd = p.info().commandLine().orElse("");
      if (cmd.contains(marker) && !cmd.contains("pgrep") && p.pid() != ProcessHandle.current().pid()) out.add(p.pid());
    });
    return out;
  }

  static void killGroup(long pid) throws IOException, InterruptedException {
    ProcessHandle.of(pid).ifPresent(h -> {
      try {
        new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  static void killAll(String marker) {
    for (long pid : pids(marker)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /** After a test: kills what carries the marker and waits until none is left. */
  static void cleanUp(String marker) throws InterruptedException {
    killAll(marker);
    TestNode.await("no stray processes", java.time.Duration.ofSeconds(30), () -> pids(marker).isEmpty());
  }
}
