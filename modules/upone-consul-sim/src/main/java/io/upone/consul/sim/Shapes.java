package io.upone.consul.sim;

import io.upone.consul.sim.SimStore.Check;
import io.upone.consul.sim.SimStore.KvEntry;
import io.upone.consul.sim.SimStore.Node;
import io.upone.consul.sim.SimStore.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The JSON shapes of Consul's HTTP API (field names and nesting as the real agent answers),
 * one method per shape. Fields of Connect, namespaces and partitions, which upone never uses,
 * are left out.
 */
final class Shapes {
  private Shapes() {}

  /** A node as {@code /v1/catalog/nodes}, {@code /v1/catalog/node/:node} and health entries show it. */
  static JsonObject node(Node n) {
    return new JsonObject()
        .put("ID", n.id)
        .put("Node", n.name)
        .put("Address", n.address)
        .put("Datacenter", SimStore.DATACENTER)
        .put("TaggedAddresses", new JsonObject(new java.util.LinkedHashMap<>(n.tagged)))
        .put("Meta", new JsonObject(new java.util.LinkedHashMap<>(n.meta)))
        .put("CreateIndex", n.createIndex)
        .put("ModifyIndex", n.modifyIndex);
  }

  private static JsonObject weights(Service s) {
    return new JsonObject().put("Passing", s.weightPassing).put("Warning", s.weightWarning);
  }

  /** A service as the agent ({@code /v1/agent/services}) and a node's listing show it. */
  static JsonObject agentService(Service s) {
    return new JsonObject()
        .put("Kind", "")
        .put("ID", s.id)
        .put("Service", s.name)
        .put("Tags", new JsonArray(new java.util.ArrayList<>(s.tags)))
        .put("Meta", new JsonObject(new java.util.LinkedHashMap<>(s.meta)))
        .put("Port", s.port)
        .put("Address", s.address)
        .put("Weights", weights(s))
        .put("EnableTagOverride", s.enableTagOverride)
        .put("Datacenter", SimStore.DATACENTER);
  }

  /** A service inside a health entry or a node listing: with its indexes. */
  static JsonObject service(Service s) {
    JsonObject o = agentService(s);
    // the agent's own listing carries Kind and Datacenter; catalog rows leave an empty Kind out
    o.remove("Datacenter");
    o.remove("Kind");
    return o.put("CreateIndex", s.createIndex).put("ModifyIndex", s.modifyIndex);
  }

  /** One row of {@code /v1/catalog/service/:name}: the node's fields flattened with Service* ones. */
  static JsonObject catalogService(Node n, Service s) {
    return new JsonObject()
        .put("ID", n.id)
        .put("Node", n.name)
        .put("Address", n.address)
        .put("Datacenter", SimStore.DATACENTER)
        .put("TaggedAddresses", new JsonObject(new java.util.LinkedHashMap<>(n.tagged)))
        .put("NodeMeta", new JsonObject(new java.util.LinkedHashMap<>(n.meta)))
        .put("ServiceKind", "")
        .put("ServiceID", s.id)
        .put("ServiceName", s.name)
        .put("ServiceTags", new JsonArray(new java.util.ArrayList<>(s.tags)))
        .put("ServiceAddress", s.address)
        .put("ServiceWeights", weights(s))
        .put("ServiceMeta", new JsonObject(new java.util.LinkedHashMap<>(s.meta)))
        .put("ServicePort", s.port)
        .put("ServiceEnableTagOverride", s.enableTagOverride)
        .put("CreateIndex", s.createIndex)
        .put("ModifyIndex", s.modifyIndex);
  }

  static JsonObject check(Check c) {
    return new JsonObject()
        .put("Node", c.node)
        .put("CheckID", c.id)
        .put("Name", c.name)
        .put("Status", c.status)
        .put("Notes", c.notes)
        .put("Output", c.output)
        .put("ServiceID", c.serviceId)
        .put("ServiceName", c.serviceName)
        .put("ServiceTags", new JsonArray(new java.util.ArrayList<>(c.serviceTags)))
        .put("Type", c.type)
        .put("Definition", c.definition.copy())
        .put("CreateIndex", c.createIndex)
        .put("ModifyIndex", c.modifyIndex);
  }

  /** A key as {@code GET /v1/kv/:key} lists it; the value in base64, null when empty. */
  static JsonObject kv(KvEntry e) {
    return new JsonObject()
        .put("LockIndex", 0)
        .put("Key", e.key())
        .put("Flags", e.flags())
        .put("Value", e.value() == null ? null : Base64.getEncoder().encodeToString(e.value()))
        .put("CreateIndex", e.createIndex())
        .put("ModifyIndex", e.modifyIndex());
  }
}
