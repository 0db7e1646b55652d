package io.upone.mesos.sim;

import io.upone.mesos.sim.SimFramework.SimOffer;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * What the simulated master knows: agents, frameworks, outstanding offers, the ids it hands out
 * and its counters. Every part of the master reads and changes it on the master's context; only
 * the counters are read from other threads.
 */
final class SimCluster {
  final SimOptions options;
  final String masterId = UUID.randomUUID().toString();
  /** The master's address and hostname, resolved once. */
  final MasterInfo master;
  final Map<String, SimAgent> agents = new LinkedHashMap<>();
  final Map<String, SimFramework> frameworks = new LinkedHashMap<>();
  /** Removed frameworks, the latest {@link #MAX_COMPLETED_FRAMEWORKS}; their ids are refused for good. */
  final Map<String, SimFramework> completedFrameworks = new LinkedHashMap<>();
  private final Set<String> removedFrameworks = new HashSet<>();
  /** Mesos's default {@code --max_completed_frameworks}. */
  static final int MAX_COMPLETED_FRAMEWORKS = 50;
  /** Every outstanding offer by id, whichever framework holds it. */
  final Map<String, SimOffer> offerIndex = new LinkedHashMap<>();
  private final Map<Call.Type, AtomicLong> calls = new EnumMap<>(Call.Type.class);
  final AtomicLong offersSent = new AtomicLong();
  final AtomicLong updatesSent = new AtomicLong();
  final AtomicLong updatesResent = new AtomicLong();
  /** The leading master's host:port when this one is not the leader; null when it leads. */
  String leader;
  /** The port the scheduler API listens on, once it does. */
  int port;
  final long startedAtMs = System.currentTimeMillis();
  private long frameworkSeq;
  private long offerSeq;

  SimCluster(SimOptions options) {
    this.options = options;
    this.leader = options.leader();
    this.master = MasterInfo.of(options.host());
  }

  boolean isRemoved(String frameworkId) {
    return removedFrameworks.contains(frameworkId);
  }

  void removed(SimFramework f) {
    frameworks.remove(f.id);
    removedFrameworks.add(f.id);
    completedFrameworks.put(f.id, f);
    if (completedFrameworks.size() > MAX_COMPLETED_FRAMEWORKS) {
      completedFrameworks.remove(completedFrameworks.keySet().iterator().next());
    }
  }

  Protos.MasterInfo masterInfo() {
    return master.proto(masterId, port);
  }

  String nextFrameworkId() {
    return masterId + "-" + String.format("%04d", frameworkSeq++);
  }

  String nextOfferId() {
    return masterId + "-O" + (++offerSeq);
  }

  String nextInverseOfferId() {
    return masterId + "-IO" + (++offerSeq);
  }

  /** Counts a call the master accepted (answered 200/202). */
  void count(Call.Type t) {
    synchronized (calls) {
      calls.computeIfAbsent(t, k -> new AtomicLong()).incrementAndGet();
    }
  }

  long calls(Call.Type t) {
    AtomicLong n;
    synchronized (calls) {
      n = calls.get(t);
    }
    return n == null ? 0 : n.get();
  }

  /** The framework (connected or not) that holds a task, or null. */
  SimFramework frameworkOf(SimTask t) {
    return frameworks.get(t.frameworkId);
  }
}
