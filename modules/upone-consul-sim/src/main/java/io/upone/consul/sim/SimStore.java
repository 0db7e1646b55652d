package io.upone.consul.sim;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the fake agent knows: the catalog (nodes with their meta, services, checks) and the KV
 * store. Every write takes the next index, as a write to Consul's raft log does; the catalog and
 * the KV store each remember the index of their last change (Consul's per-table index), which
 * is what blocking queries compare against. Touched only on the fake's event loop.
 */
final class SimStore {
  static final String DATACENTER = "dc1";

  record KvEntry(String key, byte[] value, long flags, long createIndex, long modifyIndex) {}

  /** What the catalog stores: each record remembers the index that created it and the last that changed it. */
  abstract static class Indexed {
    long createIndex;
    long modifyIndex;
  }

  static final class Node extends Indexed {
    String id;
    String name;
    String address;
    Map<String, String> tagged = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>();
  }

  static final class Service extends Indexed {
    String node;
    String id;
    String name;
    String address = "";
    int port;
    List<String> tags = new ArrayList<>();
    Map<String, String> meta = new LinkedHashMap<>();
    boolean enableTagOverride;
    int weightPassing = 1;
    int weightWarning = 1;
  }

  static final class Check extends Indexed {
    String node;
    String id;
    String name;
    String status;
    String notes = "";
    String output = "";
    String serviceId = "";
    String serviceName = "";
    List<String> serviceTags = new ArrayList<>();
    String type = "";
    JsonObject definition = new JsonObject();
  }

  private long index;
  long catalogIndex;
  /** The nodes table alone: a service or check write does not wake a watch on the node list. */
  long nodesIndex;
  long kvIndex;
  final NavigableMap<String, KvEntry> kv = new TreeMap<>();
  /** Deleted keys and when: a prefix query's index must move when a key under it goes away. */
  final Map<String, Long> tombstones = new HashMap<>();
  final Map<String, Node> nodes = new LinkedHashMap<>();
  /** By node, then service id. */
  final Map<String, Map<String, Service>> services = new LinkedHashMap<>();
  /** By node, then check id. */
  final Map<String, Map<String, Check>> checks = new LinkedHashMap<>();
  private final Runnable onChange;
  final String agentNode;

  SimStore(String agentNode, String agentAddress, Runnable onChange) {
    this.onChange = onChange;
    this.agentNode = agentNode;
    Node self = new Node();
    self.id = uuidOf(agentNode);
    self.name = agentNode;
    self.address = agentAddress;
    self.tagged.put("lan", agentAddress);
    self.tagged.put("wan", agentAddress);
    self.meta.put("consul-network-segment", "");
    putNode(self);
    Check serf = new Check();
    serf.node = agentNode;
    serf.id = "serfHealth";
    serf.name = "Serf Health Status";
    serf.status = "passing";
    serf.output = "Agent alive and reachable";
    putCheck(serf);
  }

  /** Consul's node ids are UUIDs; a stable one per name keeps answers repeatable. */
  static String uuidOf(String name) {
    return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  private long next() {
    return ++index;
  }

  long index() {
    return index;
  }

  // ---- catalog -------------------------------------------------------------------------------

  /** Adds or replaces a catalog record under {@code key}, keeping its CreateIndex across updates. */
  private <T extends Indexed> void put(Map<String, T> into, String key, T v) {
    long i = next();
    T old = into.get(key);
    v.createIndex = old == null ? i : old.createIndex;
    v.modifyIndex = i;
    into.put(key, v);
    catalogIndex = i;
    if (v instanceof Node) nodesIndex = i;
    onChange.run();
  }

  void putNode(Node n) {
    put(nodes, n.name, n);
  }

  void putService(Service s) {
    put(services.computeIfAbsent(s.node, k -> new LinkedHashMap<>()), s.id, s);
  }

  /** Removes a service and its checks; false if the node has no such service. */
  boolean removeService(String node, String id) {
    Map<String, Service> onNode = services.get(node);
    if (onNode == null || onNode.remove(id) == null) return false;
    Map<String, Check> cs = checks.get(node);
    if (cs != null) cs.values().removeIf(c -> c.serviceId.equals(id));
    catalogIndex = next();
    onChange.run();
    return true;
  }

  void putCheck(Check c) {
    put(checks.computeIfAbsent(c.node, k -> new LinkedHashMap<>()), c.id, c);
  }

  boolean removeCheck(String node, String id) {
    Map<String, Check> onNode = checks.get(node);
    if (onNode == null || onNode.remove(id) == null) return false;
    catalogIndex = next();
    onChange.run();
    return true;
  }

  Service service(String node, String id) {
    return services.getOrDefault(node, Map.of()).get(id);
  }

  Check check(String node, String id) {
    return checks.getOrDefault(node, Map.of()).get(id);
  }

  /** Every instance of a service, node by node: what the catalog and health endpoints list. */
  List<Service> instancesOf(String name) {
    List<Service> out = new ArrayList<>();
    for (Map<String, Service> onNode : services.values()) {
      for (Service s : onNode.values()) if (s.name.equals(name)) out.add(s);
    }
    return out;
  }

  /** The checks that decide a service instance's health: its own and its node's. */
  List<Check> checksOf(Service s) {
    List<Check> out = new ArrayList<>();
    for (Check c : checks.getOrDefault(s.node, Map.of()).values()) {
      if (c.serviceId.isEmpty() || c.serviceId.equals(s.id)) out.add(c);
    }
    return out;
  }

  // ---- KV ------------------------------------------------------------------------------------

  /** CAS 0 creates only; another CAS must equal the key's ModifyIndex. */
  boolean putKv(String key, byte[] value, long flags, Long cas) {
    KvEntry old = kv.get(key);
    if (cas != null) {
      if (cas == 0 && old != null) return false;
      if (cas != 0 && (old == null || old.modifyIndex() != cas)) return false;
    }
    long i = next();
    kv.put(key, new KvEntry(key, value, flags, old == null ? i : old.createIndex(), i));
    tombstones.remove(key);
    kvIndex = i;
    onChange.run();
    return true;
  }

  boolean deleteKv(String key, boolean recurse, Long cas) {
    List<String> gone = new ArrayList<>();
    if (recurse) {
      gone.addAll(kv.subMap(key, true, key + Character.MAX_VALUE, false).keySet());
    } else if (kv.containsKey(key)) {
      if (cas != null && kv.get(key).modifyIndex() != cas) return false;
      gone.add(key);
    }
    if (gone.isEmpty()) return true;
    long i = next();
    for (String k : gone) {
      kv.remove(k);
      tombstones.put(k, i);
    }
    kvIndex = i;
    onChange.run();
    return true;
  }

  List<KvEntry> kvUnder(String prefix) {
    return new ArrayList<>(kv.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
  }

  /** The index a KV read reports: the newest change among the keys it covers, or the store's. */
  long kvIndexOf(String key, boolean prefix) {
    long max = 0;
    if (prefix) {
      for (KvEntry e : kvUnder(key)) max = Math.max(max, e.modifyIndex());
      for (Map.Entry<String, Long> t : tombstones.entrySet()) if (t.getKey().startsWith(key)) max = Math.max(max, t.getValue());
    } else {
      KvEntry e = kv.get(key);
      if (e != null) max = e.modifyIndex();
      max = Math.max(max, tombstones.getOrDefault(key, 0L));
    }
    return max == 0 ? Math.max(1, kvIndex) : max;
  }
}
