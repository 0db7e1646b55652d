package io.upone.agent;

import io.upone.core.proto.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one task's health checks next to it, Marathon's way: each check waits {@code delaySeconds},
 * then probes every {@code intervalSeconds} with a {@code timeoutSeconds} limit. A success makes
 * the check healthy; failures within {@code gracePeriodSeconds} of the start are ignored until
 * the first success; {@code maxConsecutiveFailures} failures in a row (at least one) make it
 * unhealthy. The task is healthy when every check is. Only changes are reported, so a flapping
 * check costs one report per change, not one per probe. Runs on the agent's context.
 */
final class HealthMonitor {
  private final Vertx vertx;
  private final List<Probe> probes = new ArrayList<>();
  private final Consumer<Boolean> changed;
  private final HttpClient http;
  private final NetClient tcp;
  private Boolean reported;
  private boolean stopped;

  HealthMonitor(Vertx vertx, List<HealthCheck> checks, List<Integer> hostPorts, String host, Path sandbox,
                Map<String, String> env, Consumer<Boolean> changed) {
    this.vertx = vertx;
    this.changed = changed;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTrustAll(true).setVerifyHost(false));
    this.tcp = vertx.createNetClient(new NetClientOptions());
    long started = System.currentTimeMillis();
    for (HealthCheck c : checks) probes.add(new Probe(c, port(c, hostPorts), host, sandbox, env, started));
  }

  private static int port(HealthCheck c, List<Integer> hostPorts) {
    if (c.getPort() != 0) return c.getPort();
    return c.getPortIndex() < hostPorts.size() ? hostPorts.get(c.getPortIndex()) : 0;
  }

  void start() {
    for (Probe p : probes) vertx.setTimer(Math.max(1, p.check.getDelaySeconds() * 1000L), id -> p.run());
  }

  void stop() {
    stopped = true;
    http.close();
    tcp.close();
  }

  private void update() {
    Boolean now = Boolean.TRUE;
    for (Probe p : probes) {
      if (Boolean.FALSE.equals(p.healthy)) {
        now = Boolean.FALSE;
        break;
      }
      if (p.healthy == null) now = null;
    }
    if (now != null && !now.equals(reported)) {
      reported = now;
      changed.accept(now);
    }
  }

  private final class Probe {
    final HealthCheck check;
    final int port;
    final String host;
    final Path sandbox;
    final Map<String, String> env;
    final long startedMs;
    Boolean healthy;
    int failures;
    boolean succeededOnce;

    Probe(HealthCheck check, int port, String host, Path sandbox, Map<String, String> env, long startedMs) {
      this.check = check;
      this.port = port;
      this.host = host;
      this.sandbox = sandbox;
      this.env = env;
      this.startedMs = startedMs;
    }

    void run() {
      if (stopped) return;
      probe().onComplete(ar -> {
        if (stopped) return;
        Boolean ok = ar.succeeded() ? ar.result() : Boolean.FALSE;
        if (ok == null) {
          // an answer that says nothing (HTTP 1xx with ignoreHttp1xx)
        } else if (ok) {
          succeededOnce = true;
          failures = 0;
          healthy = true;
        } else if (succeededOnce || System.currentTimeMillis() - startedMs > check.getGracePeriodSeconds() * 1000L) {
          failures++;
          if (failures >= Math.max(1, check.getMaxConsecutiveFailures())) healthy = false;
        }
        update();
        vertx.setTimer(Math.max(1, check.getIntervalSeconds()) * 1000L, id -> run());
      });
    }

    /** True healthy, false not, null no verdict. */
    private Future<Boolean> probe() {
      long timeoutMs = Math.max(1, check.getTimeoutSeconds()) * 1000L;
      String protocol = check.getProtocol().replace("MESOS_", "");
      return switch (protocol) {
        case "HTTP", "HTTPS" -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
                .setSsl(protocol.equals("HTTPS")).setURI(check.getPath().isEmpty() ? "/" : check.getPath())
                .setTimeout(timeoutMs))
            .compose(req -> req.send())
            .compose(res -> res.body().map(b -> {
              int sc = res.statusCode();
              if (sc < 200) return check.getIgnoreHttp1Xx() ? null : Boolean.FALSE;
              return sc < 400;
            }));
        case "TCP" -> tcp.connect(port, host).map(socket -> {
          socket.close();
          return Boolean.TRUE;
        });
        default -> vertx.executeBlocking(() -> command(timeoutMs), false);
      };
    }

    private Boolean command(long timeoutMs) throws Exception {
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", check.getCommand()).directory(sandbox.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    }
  }
}
