package io.upone.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    if (ProcessHandle.of(pid).isPresent()) signalGroup(pid);
  }

  /** SIGKILL to process group {@code pgid}; false when interrupted. */
  private static boolean signalGroup(long pgid) {
    try {
      new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor(5, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void killAll(String marker) {
    for (long pid : pids(marker)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * Kills the process group of every process working under {@code dir} (task sandboxes of the
   * test's agents: each task leads a group of its own), and waits until none is left. Agents
   * stopped by a test leave their tasks running by design; the test must not.
   */
  static void endGroupsUnder(Path dir) throws InterruptedException {
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException gone) {
      return;
    }
    TestNode.await("no process left under " + root, java.time.Duration.ofSeconds(30), () -> {
      Set<Long> groups = new HashSet<>();
      long ours = pgid(ProcessHandle.current().pid()); // never the group of this JVM (and of Maven)
      ProcessHandle.allProcesses().forEach(p -> {
        if (p.pid() == ProcessHandle.current().pid() || !workingUnder(p.pid(), root)) return;
        long pgid = pgid(p.pid());
        if (pgid > 1 && pgid != ours) groups.add(pgid);
      });
      for (long g : groups) if (!signalGroup(g)) return false;
      return groups.isEmpty();
    });
  }

  /** Whether the working directory of {@code pid} lies under {@code root} (a real path). */
  static boolean workingUnder(long pid, Path root) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).startsWith(root);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The process group of {@code pid} (field 5 of /proc/pid/stat, after the command in parentheses), or -1. */
  private static long pgid(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** After a test: kills what carries the marker and waits until none is left. */
  static void cleanUp(String marker) throws InterruptedException {
    killAll(marker);
    TestNode.await("no stray processes", java.time.Duration.ofSeconds(30), () -> pids(marker).isEmpty());
  }
}
