package io.upone.agent.docker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A client of the Docker Engine API (v1.41, Docker 20.10 and newer) over its unix socket: the few
 * calls the agent needs, as Vert.x futures. It owns a small Vert.x instance of its own, because a
 * domain socket needs the native transport and the agent's Vert.x may have been made without it.
 */
public final class DockerEngine implements AutoCloseable {
  static final String API = "/v1.41";
  /** Where scripts/setup-docker.sh starts its engine. */
  public static final String PROJECT_SOCKET = "/tmp/ctr/docker.sock";
  public static final String DEFAULT_SOCKET = "/var/run/docker.sock";

  private final Vertx vertx;
  private final HttpClient client;
  private final SocketAddress socket;
  private final String socketPath;
  private final JsonObject version;
  private final Context context;
  private volatile boolean closed;

  private DockerEngine(Vertx vertx, String socketPath, JsonObject version, HttpClient client) {
    this.vertx = vertx;
    this.socketPath = socketPath;
    this.socket = SocketAddress.domainSocketAddress(socketPath);
    this.client = client;
    this.version = version;
    this.context = vertx.getOrCreateContext();
  }

  /** A reply: status and body. */
  public record Reply(int status, Buffer body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The engine's error text ({"message": ...}), or the status. */
    public String message() {
      try {
        return body.toJsonObject().getString("message", "status " + status);
      } catch (RuntimeException e) {
        return "status " + status + (body.length() == 0 ? "" : ": " + body.toString().trim());
      }
    }
  }

  /**
   * The socket of the engine this process should use: {@code DOCKER_HOST} when it names a unix
   * socket, else the default socket, else the one scripts/setup-docker.sh starts; empty when none exists.
   */
  public static Optional<String> locate(Map<String, String> env) {
    String host = env.get("DOCKER_HOST");
    if (host != null && !host.isBlank()) {
      return host.startsWith("unix://") ? Optional.of(host.substring("unix://".length())) : Optional.empty();
    }
    for (String p : new String[] {DEFAULT_SOCKET, PROJECT_SOCKET}) if (Files.exists(Path.of(p))) return Optional.of(p);
    return Optional.empty();
  }

  /**
   * Connects and asks the engine its version. Empty, with the reason in {@code why[0]}, when the
   * native transport is missing or nothing answers. Blocks up to a few seconds.
   */
  public static Optional<DockerEngine> connect(String socketPath, String[] why) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)
        .setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    if (!vertx.isNativeTransportEnabled()) {
      vertx.close();
      why[0] = "no native transport for unix sockets: " + vertx.unavailableNativeTransportCause();
      return Optional.empty();
    }
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000),
        new PoolOptions().setHttp1MaxSize(1024));
    DockerEngine probe = new DockerEngine(vertx, socketPath, null, client);
    try {
      Reply r = probe.call(HttpMethod.GET, API + "/version", null, 5000).toCompletionStage().toCompletableFuture()
          .get(6, TimeUnit.SECONDS);
      if (!r.ok()) throw new IllegalStateException(r.message());
      return Optional.of(new DockerEngine(vertx, socketPath, r.body().toJsonObject(), client));
    } catch (Exception e) {
      vertx.close();
      why[0] = "no Docker engine answers on " + socketPath + ": " + (e.getCause() != null ? e.getCause() : e).getMessage();
      return Optional.empty();
    }
  }

  public String socketPath() {
    return socketPath;
  }

  /** The engine's version, e.g. 20.10.24. */
  public String version() {
    return version.getString("Version", "");
  }

  public String apiVersion() {
    return version.getString("ApiVersion", "");
  }

  // ---- containers --------------------------------------------------------------------------------

  public Future<String> create(String name, JsonObject body) {
    return call(HttpMethod.POST, API + "/containers/create?name=" + enc(name), body.toBuffer(), 30_000)
        .map(r -> {
          if (r.status() != 201) throw new DockerException(r.status(), "create: " + r.message());
          return r.body().toJsonObject().getString("Id");
        });
  }

  public Future<Void> start(String id) {
    return call(HttpMethod.POST, API + "/containers/" + id + "/start", null, 30_000).map(r -> {
      if (!r.ok() && r.status() != 304) throw new DockerException(r.status(), "start: " + r.message());
      return null;
    });
  }

  /** The container's JSON, or null when it does not exist. */
  public Future<JsonObject> inspect(String idOrName) {
    return call(HttpMethod.GET, API + "/containers/" + enc(idOrName) + "/json", null, 30_000).map(r -> {
      if (r.status() == 404) return null;
      if (!r.ok()) throw new DockerException(r.status(), "inspect: " + r.message());
      return r.body().toJsonObject();
    });
  }

  /** Completes with the exit code when the container is not running (at once if it already ended). */
  public Future<Integer> waitNotRunning(String id) {
    return call(HttpMethod.POST, API + "/containers/" + id + "/wait?condition=not-running", null, 0).map(r -> {
      if (!r.ok()) throw new DockerException(r.status(), "wait: " + r.message());
      return r.body().toJsonObject().getInteger("StatusCode");
    });
  }

  /** Sends a signal; a container that is not running is not an error. */
  public Future<Void> kill(String id, String signal) {
    return call(HttpMethod.POST, API + "/containers/" + id + "/kill?signal=" + enc(signal), null, 30_000).map(r -> {
      if (!r.ok() && r.status() != 404 && r.status() != 409) throw new DockerException(r.status(), "kill: " + r.message());
      return null;
    });
  }

  /** Removes a container, running or not; a missing one is not an error. */
  public Future<Void> remove(String id) {
    return call(HttpMethod.DELETE, API + "/containers/" + enc(id) + "?force=true&v=true", null, 60_000).map(r -> {
      if (!r.ok() && r.status() != 404) throw new DockerException(r.status(), "remove: " + r.message());
      return null;
    });
  }

  /** Containers (running or not) whose labels include {@code key=value}. */
  public Future<JsonArray> listByLabel(String key, String value) {
    String filters = new JsonObject().put("label", new JsonArray().add(key + "=" + value)).encode();
    return call(HttpMethod.GET, API + "/containers/json?all=true&filters=" + enc(filters), null, 30_000).map(r -> {
      if (!r.ok()) throw new DockerException(r.status(), "list: " + r.message());
      return r.body().toJsonArray();
    });
  }

  /** Both output streams of a container, decoded from the engine's multiplexed form. */
  public Future<LogFrames.Output> logs(String id) {
    return call(HttpMethod.GET, API + "/containers/" + id + "/logs?stdout=true&stderr=true", null, 60_000).map(r -> {
      if (!r.ok()) throw new DockerException(r.status(), "logs: " + r.message());
      return LogFrames.decode(r.body());
    });
  }

  // ---- images ----------------------------------------------------------------------------------

  public Future<Boolean> imagePresent(String ref) {
    return call(HttpMethod.GET, API + "/images/" + ref + "/json", null, 30_000).map(r -> {
      if (r.status() == 404) return false;
      if (!r.ok()) throw new DockerException(r.status(), "image inspect: " + r.message());
      return true;
    });
  }

  /** Pulls an image; fails with the registry's message (the engine streams errors inside a 200). */
  public Future<Void> pull(String ref) {
    String[] repoTag = splitTag(ref);
    String q = "fromImage=" + enc(repoTag[0]) + "&tag=" + enc(repoTag[1]);
    return call(HttpMethod.POST, API + "/images/create?" + q, null, 600_000).map(r -> {
      if (!r.ok()) throw new DockerException(r.status(), r.message());
      for (String line : r.body().toString().split("\n")) {
        if (line.isBlank()) continue;
        JsonObject j = new JsonObject(line);
        if (j.containsKey("error")) throw new DockerException(500, j.getString("error"));
      }
      return null;
    });
  }

  /** Repository and tag (or digest); a reference without either means tag "latest" (an empty tag would pull every tag). */
  static String[] splitTag(String ref) {
    int at = ref.indexOf('@');
    if (at >= 0) return new String[] {ref.substring(0, at), ref.substring(at + 1)};
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) return new String[] {ref.substring(0, colon), ref.substring(colon + 1)};
    return new String[] {ref, "latest"};
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  /**
   * One request, issued on the client's own event loop whatever thread asks: a response's body
   * handler must be set in the same turn the response arrives, or a short body can be gone by
   * the time it is (seen here as 200 replies with Content-Length but no body, when the request
   * was made from a worker thread).
   */
  Future<Reply> call(HttpMethod method, String uri, Buffer body, long timeoutMs) {
    if (closed) return Future.failedFuture(new DockerException(503, "the Docker engine client is closed"));
    RequestOptions o = new RequestOptions().setServer(socket).setHost("localhost").setPort(80).setMethod(method)
        .setURI(uri).setIdleTimeout(timeoutMs);
    if (body != null) o.putHeader("Content-Type", "application/json");
    Promise<Reply> reply = Promise.promise();
    context.runOnContext(v -> client.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(res -> res.body().map(b -> new Reply(res.statusCode(), b)))
        .onComplete(reply));
    return reply.future();
  }

  boolean closed() {
    return closed;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Runs {@code action} on the engine client's loop after a delay (retries). */
  void vertxTimer(long delayMs, Runnable action) {
    vertx.setTimer(delayMs, id -> action.run());
  }

  @Override
  public void close() {
    closed = true;
    vertx.close();
  }

  /** An engine answer that is not a success. */
  public static final class DockerException extends RuntimeException {
    private final int status;

    public DockerException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
