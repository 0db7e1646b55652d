package io.upone.server.consul;

import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Deploys the Consul integration when {@code consul-address} is set: service registrations, the
 * KV env watch and the node meta watch (each leader-only), and the status answer for
 * {@code GET /v1/consul}. Without it, the status says {@code enabled: false} and nothing talks to
 * Consul.
 */
public final class ConsulIntegration {
  private ConsulIntegration() {}

  public static Future<Void> deploy(Vertx vertx, EventLog log, ConsulConfig config) {
    if (config == null) {
      vertx.eventBus().<Object>localConsumer(Addresses.CONSUL_STATUS, m -> m.reply(new JsonObject().put("enabled", false)));
      return Future.succeededFuture();
    }
    ConsulStatus status = new ConsulStatus(config.address());
    vertx.eventBus().<Object>localConsumer(Addresses.CONSUL_STATUS, m -> m.reply(status.json()));
    return vertx.deployVerticle(new KvEnvWatch(log, config, status))
        .compose(id -> vertx.deployVerticle(new NodeMetaWatch(log, config, status)))
        .compose(id -> vertx.deployVerticle(new ServiceRegistrations(log, config, status)))
        .mapEmpty();
  }
}
