package io.upone.server.consul;

import io.upone.eventlog.EventLog;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LocalCodec;
import io.upone.server.offers.LaunchInputs;
import io.vertx.core.Future;
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
public final class NodeMetaWatch extends LeaderWatch<NodeList> {
  static final String CODEC = "upone.consul.attributes";

  private ConsulClient client;
  private Map<String, Map<String, String>> last = Map.of();

  NodeMetaWatch(EventLog log, ConsulConfig config, ConsulStatus status) {
    super(log, config, status.part("nodeMeta"), "catalog nodes");
  }

  @Override
  void open() {
    client = ConsulClient.create(vertx, config.clientOptions());
  }

  @Override
  void close() {
    client.close();
  }

  @Override
  Future<NodeList> read(long index) {
    return client.catalogNodesWithOptions(new NodeQueryOptions()
        .setBlockingOptions(new BlockingQueryOptions().setIndex(index).setWait(waitParam())));
  }

  @Override
  long indexOf(NodeList nodes) {
    return nodes.getIndex();
  }

  @Override
  void forget() {
    last = Map.of();
  }

  @Override
  void changed(NodeList nodes) {
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
