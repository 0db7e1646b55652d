package io.upone.server.consul;

import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LeaderOnly;
import io.upone.server.bus.LocalCodec;
import io.upone.server.offers.LaunchInputs;
import io.vertx.core.AbstractVerticle;
import io.vertx.ext.consul.BlockingQueryOptions;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.Node;
import io.vertx.ext.consul.NodeList;
import io.vertx.ext.consul.NodeQueryOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Agent attributes from Consul node meta, on the leader: one blocking query on the catalog's
 * nodes; each change publishes attributes per host, keyed by the node's name and by its address,
 * so an agent whose hostname is either gets them. Consul's own keys ({@code consul-*}) are left
 * out. Placement sees them on the next offers; a change revives offers so that pending tasks are
 * placed against it at once.
 */
public final class NodeMetaWatch extends AbstractVerticle {
  static final String CODEC = "upone.consul.attributes";

  private final EventLog log;
  private final ConsulConfig config;
  private final ConsulStatus.Part status;
  private ConsulClient client;
  private BlockingRead<NodeList> read;
  private LeaderOnly leadership;
  private Map<String, Map<String, String>> last = Map.of();

  NodeMetaWatch(EventLog log, ConsulConfig config, ConsulStatus status) {
    this.log = log;
    this.config = config;
    this.status = status.part("nodeMeta");
  }

  @Override
  public void start() {
    client = ConsulClient.create(vertx, config.clientOptions());
    read = new BlockingRead<>(vertx, "catalog nodes",
        index -> client.catalogNodesWithOptions(new NodeQueryOptions()
            .setBlockingOptions(new BlockingQueryOptions().setIndex(index).setWait(config.waitS() + "s"))),
        NodeList::getIndex, this::changed, status);
    leadership = new LeaderOnly(vertx, log, read::start, () -> {
      read.stop();
      last = Map.of();
    });
    leadership.start();
  }

  @Override
  public void stop() {
    leadership.stop();
    client.close();
  }

  private void changed(NodeList nodes) {
    Map<String, Map<String, String>> byHost = new HashMap<>();
    for (Node n : nodes.getList() == null ? java.util.List.<Node>of() : nodes.getList()) {
      Map<String, String> meta = new TreeMap<>();
      if (n.getNodeMeta() != null) n.getNodeMeta().forEach((k, v) -> {
        if (k != null && !k.startsWith("consul-") && v != null) meta.put(k, v);
      });
      if (meta.isEmpty()) continue;
      if (n.getAddress() != null && !n.getAddress().isEmpty()) byHost.put(n.getAddress(), meta);
      if (n.getName() != null) byHost.put(n.getName(), meta); // the name wins over another node's address
    }
    status.fact("nodesWithMeta", byHost.size());
    if (byHost.equals(last)) return;
    last = byHost;
    vertx.eventBus().publish(Addresses.AGENT_ATTRIBUTES, new LaunchInputs.HostAttributes(byHost), LocalCodec.options(vertx, CODEC));
  }
}
