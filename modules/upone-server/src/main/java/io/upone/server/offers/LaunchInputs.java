package io.upone.server.offers;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.proto.AppSpec;
import io.upone.server.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What integrations add to placement and launches, as their latest snapshots: env per app (the
 * Consul KV watch) and attributes per agent host (Consul node meta). An app's own env wins over
 * what is added; added attributes win over the ones an agent registered with, since they are the
 * ones that change at run time. Lives on the offer verticle's context.
 */
public final class LaunchInputs {
  /** Env per app id; published whole on {@link Addresses#LAUNCH_ENV}. */
  public record AppEnv(Map<String, Map<String, String>> byApp) {
    public AppEnv {
      byApp = Map.copyOf(byApp);
    }
  }

  /** Attributes per agent hostname (or address); published whole on {@link Addresses#AGENT_ATTRIBUTES}. */
  public record HostAttributes(Map<String, Map<String, String>> byHost) {
    public HostAttributes {
      byHost = Map.copyOf(byHost);
    }
  }

  private AppEnv env = new AppEnv(Map.of());
  private HostAttributes attributes = new HostAttributes(Map.of());

  List<MessageConsumer<?>> listen(Vertx vertx, Runnable attributesChanged) {
    return List.of(
        vertx.eventBus().<AppEnv>localConsumer(Addresses.LAUNCH_ENV, m -> env = m.body()),
        vertx.eventBus().<HostAttributes>localConsumer(Addresses.AGENT_ATTRIBUTES, m -> {
          attributes = m.body();
          attributesChanged.run();
        }));
  }

  Map<String, String> env(AppSpec app) {
    Map<String, String> added = env.byApp().get(app.getId());
    if (added == null || added.isEmpty()) return app.getEnvMap();
    Map<String, String> out = new LinkedHashMap<>(added);
    out.putAll(app.getEnvMap());
    return out;
  }

  private Map<String, String> attributes(String hostname, Map<String, String> own) {
    Map<String, String> added = attributes.byHost().get(hostname);
    if (added == null || added.isEmpty()) return own;
    Map<String, String> out = new LinkedHashMap<>(own);
    out.putAll(added);
    return out;
  }

  List<Offer> offers(List<Offer> offers) {
    if (attributes.byHost().isEmpty()) return offers;
    return offers.stream().map(o -> new Offer(o.offerId(), o.agentId(), o.hostname(), attributes(o.hostname(), o.attributes()),
        o.resources(), o.usedPorts(), o.load(), o.executors())).toList();
  }

  /** Free capacity per agent (what-if questions), with the added attributes. */
  Map<String, Offer> capacity(Map<String, Offer> byAgent) {
    if (attributes.byHost().isEmpty()) return byAgent;
    Map<String, Offer> out = new LinkedHashMap<>();
    byAgent.forEach((k, o) -> out.put(k, offers(List.of(o)).get(0)));
    return out;
  }

  Map<String, ClusterDriver.Agent> agents(Map<String, ClusterDriver.Agent> agents) {
    if (attributes.byHost().isEmpty()) return agents;
    Map<String, ClusterDriver.Agent> out = new HashMap<>();
    agents.forEach((id, a) -> out.put(id, new ClusterDriver.Agent(a.agentId(), a.hostname(), attributes(a.hostname(), a.attributes()),
        a.executors())));
    return out;
  }
}
