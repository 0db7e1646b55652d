package io.upone.bench.lb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real processes of the LB bench: HTTP backends, HAProxy (master-worker, so it can reload), Slardar. */
final class BenchProcesses implements AutoCloseable {
  final Path dir;
  private final List<Process> owned = new ArrayList<>();
  private Path slardarScript;
  private Map<String, String> slardarEnv;

  BenchProcesses(Path dir) {
    this.dir = dir;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** python3 -m http.server serving a file {@code id} that holds {@code name}. */
  int backend(String name) throws Exception {
    Path root = Files.createDirectories(dir.resolve("www-" + name));
    Files.writeString(root.resolve("id"), name);
    int port = freePort();
    owned.add(new ProcessBuilder("python3", "-m", "http.server", String.valueOf(port), "--bind", "127.0.0.1", "--directory",
        root.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("www-" + name + ".log").toFile()).start());
    wait("backend " + name, () -> get(port, "x", "/id").startsWith("200"));
    return port;
  }

  Process haproxy(Path cfg, int admin) throws Exception {
    Process p = new ProcessBuilder("haproxy", "-W", "-db", "-f", cfg.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    owned.add(p);
    wait("haproxy", () -> {
      try {
        return command(admin, "show info").contains("Pid:");
      } catch (IOException e) {
        return false;
      }
    });
    return p;
  }

  void slardar(int admin, int proxy) throws Exception {
    Path home = null;
    String given = System.getProperty("upone.slardar", System.getenv("UPONE_SLARDAR"));
    if (given != null) home = Path.of(given);
    for (Path p = Path.of("").toAbsolutePath(); home == null && p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("shared/slardar/run-slardar.sh"))) home = p.resolve("shared/slardar");
    }
    if (home == null) throw new IllegalStateException("Slardar not found: -Dupone.slardar=DIR (the folder of run-slardar.sh)");
    slardarScript = home.resolve("run-slardar.sh");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    slardarEnv = Map.of("SLARDAR_DIR", dir.resolve("slardar").toString(), "ADMIN_PORT", String.valueOf(admin),
        "PROXY_PORT", String.valueOf(proxy), "STORE_PORT", String.valueOf(freePort()));
    script("start");
  }

  private void script(String verb) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", slardarScript.toString(), verb).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slardar.log").toFile()));
    pb.environment().putAll(slardarEnv);
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("run-slardar.sh " + verb + " failed");
  }

  static String command(int port, String cmd) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((cmd + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One HTTP/1.0 request: "STATUS body", or "io: ..." when the connection failed. */
  static String get(int port, String host, String path) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (all.length() < 12) return "short: " + all;
      int body = all.indexOf("\r\n\r\n");
      return all.substring(9, 12) + " " + (body < 0 ? "" : all.substring(body + 4));
    } catch (IOException e) {
      return "io: " + e.getMessage();
    }
  }

  static void wait(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws Exception {
    if (slardarScript != null) script("stop");
    for (Process p : owned) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
