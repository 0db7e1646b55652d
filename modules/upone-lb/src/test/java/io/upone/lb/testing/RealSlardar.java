package io.upone.lb.testing;

import io.upone.core.testing.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The real Slardar (UPYUN's, vendored under {@code shared/slardar} with {@code run-slardar.sh})
 * on its own free loopback ports and run directory. The script is found through
 * {@code -Dupone.slardar=DIR}, {@code UPONE_SLARDAR}, or a {@code shared/slardar} folder beside
 * any parent of the working directory.
 */
public final class RealSlardar implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  public final int adminPort = RealHaproxy.freePort();
  public final int proxyPort = RealHaproxy.freePort();
  private final int storePort = RealHaproxy.freePort();
  private final Path dir;
  private final Path script;
  private boolean running;

  private RealSlardar(Path dir) {
    this.dir = dir;
    this.script = locate().resolve("run-slardar.sh");
  }

  public static Path locate() {
    String given = System.getProperty("upone.slardar", System.getenv("UPONE_SLARDAR"));
    if (given != null && !given.isBlank()) return Path.of(given);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("shared/slardar");
      if (Files.isExecutable(c.resolve("run-slardar.sh"))) return c;
    }
    throw new IllegalStateException("Slardar not found: set -Dupone.slardar=DIR or UPONE_SLARDAR to the folder holding run-slardar.sh");
  }

  public static RealSlardar start(Path dir) throws Exception {
    RealSlardar s = new RealSlardar(dir);
    s.startProcess();
    return s;
  }

  public String admin() {
    return "127.0.0.1:" + adminPort;
  }

  private void script(String verb) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), verb).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(dir.getFileName() + ".log").toFile()));
    Map<String, String> env = pb.environment();
    env.put("SLARDAR_DIR", dir.toString());
    env.put("ADMIN_PORT", String.valueOf(adminPort));
    env.put("PROXY_PORT", String.valueOf(proxyPort));
    env.put("STORE_PORT", String.valueOf(storePort));
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      String log = Files.readString(dir.resolveSibling(dir.getFileName() + ".log"));
      throw new IllegalStateException("run-slardar.sh " + verb + " failed:\n" + log.substring(Math.max(0, log.length() - 3000)));
    }
  }

  public void startProcess() throws Exception {
    Files.createDirectories(dir.getParent());
    // nginx's workers run as nobody: the run directory must be readable by others (JUnit's are 0700)
    Files.setPosixFilePermissions(dir.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    script("start");
    running = true;
  }

  public void stopProcess() throws Exception {
    if (!running) return;
    script("stop");
    running = false;
    Poll.until("slardar stopped", Duration.ofSeconds(20), () -> get("/status") == null);
  }

  /** GET on the admin port; null when nothing answers. */
  public String get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + admin() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Slardar's own view from {@code /upstreams}: host:port of each server of the upstream. */
  public Set<String> upstreamServers(String name) {
    Set<String> out = new TreeSet<>();
    String body = get("/upstreams");
    if (body == null) return out;
    JsonObject ups = new JsonObject(body).getJsonObject(name);
    if (ups == null) return out;
    JsonArray cluster = ups.getJsonArray("cluster", new JsonArray());
    for (int i = 0; i < cluster.size(); i++) {
      JsonArray servers = cluster.getJsonObject(i).getJsonArray("servers");
      for (int j = 0; j < servers.size(); j++) {
        JsonObject s = servers.getJsonObject(j);
        out.add(s.getString("host") + ":" + s.getValue("port"));
      }
    }
    return out;
  }

  /** Slardar's own view from {@code /status} ({@code cls:NAME}): host:port of each server. */
  public Set<String> statusServers(String name) {
    Set<String> out = new TreeSet<>();
    String body = get("/status");
    if (body == null) return out;
    JsonArray levels = new JsonObject(body).getJsonArray("cls:" + name);
    if (levels == null) return out;
    for (int i = 0; i < levels.size(); i++) {
      JsonArray level = levels.getJsonArray(i);
      for (int j = 0; j < level.size(); j++) out.add(level.getJsonObject(j).getString("server").substring(name.length() + 1));
    }
    return out;
  }

  /** The last lines of nginx's error log, for a failure message. */
  public String errorLogTail(int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("nginx/logs/error.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no error log: " + e + ")";
    }
  }

  /**
   * What explains failed proxied requests, for a failure message: the error log's lines of level
   * warn and above (the info lines of every worker's upstream copy are left out, they drown the
   * rest), and the access log's requests that were retried or not answered 200. Slardar's own
   * {@code main} format gives each try's upstream address and status ({@code "a, b" 502, 200}).
   */
  public String failureEvidence(int maxLines) {
    Path logs = dir.resolve("nginx/logs");
    StringBuilder out = new StringBuilder();
    try {
      List<String> errors = Files.readAllLines(logs.resolve("error.log")).stream()
          .filter(l -> l.contains(" [warn] ") || l.contains(" [error] ") || l.contains(" [crit] ") || l.contains(" [alert] ")
              || l.contains(" [emerg] ") || l.contains("exited on signal"))
          .toList();
      out.append("slardar error.log, warn and above (").append(errors.size()).append(" lines):\n");
      errors.stream().limit(maxLines).forEach(l -> out.append("  ").append(l).append('\n'));
    } catch (IOException e) {
      out.append("(no error log: ").append(e).append(")\n");
    }
    try {
      // ... "$upstream_addr" $upstream_status $upstream_response_time $request_time: a retry lists two tries
      List<String> odd = Files.readAllLines(logs.resolve("access.log")).stream()
          .filter(l -> !l.contains("\" 200 ") || l.matches(".*\"[^\"]*, [^\"]*\" [^ ]+, .*"))
          .toList();
      out.append("slardar access.log, retried or not 200 (").append(odd.size()).append(" requests):\n");
      odd.stream().limit(maxLines).forEach(l -> out.append("  ").append(l).append('\n'));
    } catch (IOException e) {
      out.append("(no access log: ").append(e).append(")\n");
    }
    return out.toString();
  }

  @Override
  public void close() throws Exception {
    stopProcess();
  }
}
