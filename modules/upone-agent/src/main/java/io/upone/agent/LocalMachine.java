package io.upone.agent;

import com.sun.management.OperatingSystemMXBean;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What this machine can offer when the operator does not say: all cores, most memory and disk. */
public final class LocalMachine {
  private LocalMachine() {}

  public static Resources resources() {
    int cpus = Runtime.getRuntime().availableProcessors();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double memMb = Math.max(256, os.getTotalMemorySize() / (1024.0 * 1024.0) - 1024);
    double diskMb = 10_240;
    try {
      FileStore store = Files.getFileStore(Path.of("."));
      diskMb = Math.max(1024, store.getUsableSpace() / (1024.0 * 1024.0) - 10_240);
    } catch (Exception ignored) {
      // keep the default
    }
    return new Resources(cpus, Math.floor(memMb), Math.floor(diskMb), List.of(new PortRange(31000, 32000)));
  }

  public static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
