package io.upone.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads a process's start time from {@code /proc/<pid>/stat}. Pids are reused (the kernel wraps
 * them at pid_max, 32,768 on many machines), so "pid N" names the process we started only while
 * its start time is the one recorded when it started.
 */
public final class ProcStat {
  private ProcStat() {}

  /** Field 22 of /proc/&lt;pid&gt;/stat: clock ticks after boot; empty when the process is gone. */
  public static OptionalLong startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ...: comm may hold spaces and parentheses, so split after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return OptionalLong.of(Long.parseLong(f[19]));
    } catch (IOException | RuntimeException gone) {
      return OptionalLong.empty();
    }
  }

  /** Field 5 of /proc/&lt;pid&gt;/stat: the process group; empty when the process is gone. */
  public static OptionalLong processGroup(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return OptionalLong.of(Long.parseLong(f[2]));
    } catch (IOException | RuntimeException gone) {
      return OptionalLong.empty();
    }
  }
}
