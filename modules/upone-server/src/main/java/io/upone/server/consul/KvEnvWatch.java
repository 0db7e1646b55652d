package io.upone.server.consul;

import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LocalCodec;
import io.upone.server.offers.LaunchInputs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * App env from Consul KV, on the leader: one blocking query on {@code upone/apps/} (recursive)
 * for all apps, not one per launch; each change publishes the whole env-per-app snapshot, which
 * the offer verticle merges into the env of the tasks it launches from then on. Keys that cannot
 * be env (a name that is not an env variable name, a value that is not UTF-8) are skipped and
 * named in the log and status. Read with the Web Client: the Consul client drops the
 * {@code X-Consul-Index} of a 404 (no key yet), without which an empty prefix cannot be watched.
 */
public final class KvEnvWatch extends LeaderWatch<KvEnvWatch.Keys> {
  private static final Logger LOG = LoggerFactory.getLogger(KvEnvWatch.class);
  static final String CODEC = "upone.consul.env";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String ENV_SEGMENT = "/env/";

  private WebClient client;

  KvEnvWatch(EventLog log, ConsulConfig config, ConsulStatus status) {
    super(log, config, status.part("kvEnv"), "KV " + ConsulConfig.KV_PREFIX);
  }

  @Override
  void open() {
    client = WebClient.create(vertx);
  }

  @Override
  void close() {
    client.close();
  }

  /** The keys under the prefix with their values (null: not UTF-8 text), at a Consul index. */
  record Keys(long index, Map<String, String> values) {}

  @Override
  long indexOf(Keys k) {
    return k.index();
  }

  @Override
  Future<Keys> read(long index) {
    return client.get(config.port(), config.host(), "/v1/kv/" + ConsulConfig.KV_PREFIX)
        .addQueryParam("recurse", "true").addQueryParam("index", String.valueOf(index))
        .addQueryParam("wait", waitParam()).timeout((config.waitS() + 15) * 1000L)
        .send().compose(KvEnvWatch::parse);
  }

  /** Consul's answer, or a failure that says why it is not one. */
  static Future<Keys> parse(HttpResponse<Buffer> r) {
    long index;
    try {
      index = Long.parseLong(r.getHeader("X-Consul-Index"));
    } catch (NumberFormatException e) {
      return Future.failedFuture("HTTP " + r.statusCode() + " without an X-Consul-Index: not a Consul answer");
    }
    if (r.statusCode() == 404) return Future.succeededFuture(new Keys(index, Map.of()));
    if (r.statusCode() != 200) return Future.failedFuture("HTTP " + r.statusCode() + ": " + r.bodyAsString());
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (Object o : r.bodyAsJsonArray()) {
        JsonObject kv = (JsonObject) o;
        String v = kv.getString("Value");
        out.put(kv.getString("Key"), v == null ? "" : utf8(Base64.getDecoder().decode(v)));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture("unreadable KV answer: " + e.getMessage());
    }
    return Future.succeededFuture(new Keys(index, out));
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Override
  void changed(Keys keys) {
    Map<String, Map<String, String>> byApp = new HashMap<>();
    int skipped = 0;
    for (Map.Entry<String, String> kv : keys.values().entrySet()) {
      String key = kv.getKey();
      if (key == null) continue;
      int at = key.lastIndexOf(ENV_SEGMENT);
      if (!key.startsWith(ConsulConfig.KV_PREFIX) || at < ConsulConfig.KV_PREFIX.length()) continue;
      String app = "/" + key.substring(ConsulConfig.KV_PREFIX.length(), at);
      String name = key.substring(at + ENV_SEGMENT.length());
      String value = kv.getValue();
      if (!ENV_NAME.matcher(name).matches() || value == null || value.indexOf('\0') >= 0) {
        if (skipped++ == 0) LOG.warn("consul: KV key '{}' is not usable as env (name must match {}, value UTF-8 text); skipped", key, ENV_NAME);
        continue;
      }
      byApp.computeIfAbsent(app, k -> new TreeMap<>()).put(name, value);
    }
    status.fact("apps", byApp.size());
    status.fact("skippedKeys", skipped);
    vertx.eventBus().publish(Addresses.LAUNCH_ENV, new LaunchInputs.AppEnv(byApp), LocalCodec.options(vertx, CODEC));
  }
}
