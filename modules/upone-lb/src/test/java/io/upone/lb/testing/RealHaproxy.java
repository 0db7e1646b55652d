package io.upone.lb.testing;

import io.upone.core.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's 2.6) for tests, in the foreground as this JVM's child, on free
 * loopback ports: a TCP runtime socket at admin level, and one HTTP frontend that routes by the
 * lowercased Host header (port stripped) to the backend of that name, as Slardar does. One empty
 * {@code backend} per upstream the test names.
 */
public final class RealHaproxy implements AutoCloseable {
  public final int adminPort;
  public final int proxyPort;
  private final Path config;
  private volatile Process process;
  /** Times haproxy died on its own and was started again (as its service manager would). */
  public final java.util.concurrent.atomic.AtomicInteger crashes = new java.util.concurrent.atomic.AtomicInteger();

  private RealHaproxy(Path dir, List<String> backends) throws IOException {
    this.adminPort = freePort();
    this.proxyPort = freePort();
    Files.createDirectories(dir);
    this.config = dir.resolve("haproxy.cfg");
    StringBuilder cfg = new StringBuilder()
        .append("global\n  stats socket ipv4@127.0.0.1:").append(adminPort).append(" level admin\n")
        .append("defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n")
        .append("frontend fe\n  bind 127.0.0.1:").append(proxyPort).append('\n')
        .append("  use_backend %[req.hdr(host),lower,word(1,:)]\n");
    for (String b : backends) cfg.append("backend ").append(b).append("\n  balance roundrobin\n");
    Files.writeString(config, cfg.toString());
  }

  public static RealHaproxy start(Path dir, List<String> backends) throws Exception {
    RealHaproxy h = new RealHaproxy(dir, backends);
    h.startProcess();
    return h;
  }

  public String admin() {
    return "127.0.0.1:" + adminPort;
  }

  public Path config() {
    return config;
  }

  public void startProcess() throws Exception {
    Process p = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(config.resolveSibling("haproxy.log").toFile())).start();
    process = p;
    // Debian's haproxy 2.6.12 has been seen to segfault under runtime-API server changes: like
    // systemd's Restart=on-failure, start it again, and count it (the sync must catch up after it)
    p.onExit().thenAccept(gone -> {
      if (process != p) return; // stopped on purpose
      crashes.incrementAndGet();
      System.err.println("haproxy exited by itself (" + gone.exitValue() + "): starting it again");
      try {
        startProcess();
      } catch (Exception e) {
        System.err.println("haproxy could not be started again: " + e);
      }
    });
    Poll.until("haproxy answers on its runtime socket", Duration.ofSeconds(20), () -> {
      try {
        return command("show info").contains("Pid:");
      } catch (IOException e) {
        return false;
      }
    });
  }

  /** Stops the process (SIGTERM) and waits for it. */
  public void stopProcess() throws InterruptedException {
    Process p = process;
    if (p == null) return;
    process = null;
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** One runtime API command, over a plain socket (not the client under test). */
  public String command(String cmd) throws IOException {
    try (Socket s = new Socket("127.0.0.1", adminPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** HAProxy's own view: addresses of the servers of {@code backend} that are ready (not drain/maint). */
  public Set<String> readyServers(String backend) {
    Set<String> out = new TreeSet<>();
    try {
      for (String line : command("show servers state " + backend).split("\n")) {
        String[] f = line.trim().split(" ");
        if (line.startsWith("#") || f.length < 19) continue;
        if ("0".equals(f[6])) out.add(f[4] + ":" + f[18]);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Every server line of {@code backend}, whatever its state: name → srv_time_since_last_change. */
  public java.util.Map<String, Long> sinceLastChange(String backend) throws IOException {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (String line : command("show servers state " + backend).split("\n")) {
      String[] f = line.trim().split(" ");
      if (line.startsWith("#") || f.length < 19) continue;
      out.put(f[3], Long.parseLong(f[9]));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    stopProcess();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
