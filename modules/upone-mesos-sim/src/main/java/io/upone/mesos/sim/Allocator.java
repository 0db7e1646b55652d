package io.upone.mesos.sim;

import io.upone.mesos.sim.SimFramework.Filter;
import io.upone.mesos.sim.SimFramework.SimOffer;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The allocation cycle: each active agent's free resources are offered, one outstanding offer
 * per agent, to connected frameworks that have not suppressed offers and do not filter them;
 * frameworks take turns being first. Declines and accepts leave {@code refuse_seconds} filters.
 */
final class Allocator {
  /** Mesos's default {@code Filters.refuse_seconds}. */
  static final double DEFAULT_REFUSE_SECONDS = 5;
  private final SimCluster cluster;
  private final EventStreams streams;
  private final Context context;
  private int rotation;
  private boolean allocationQueued;

  Allocator(SimCluster cluster, EventStreams streams, Context context) {
    this.cluster = cluster;
    this.streams = streams;
    this.context = context;
  }

  /** An allocation at the next turn of the event loop (coalesced), besides the periodic ones. */
  void allocateSoon() {
    if (allocationQueued) return;
    allocationQueued = true;
    context.runOnContext(v -> {
      allocationQueued = false;
      allocate();
    });
  }

  /** One allocation cycle: every connected, unsuppressed framework gets the free resources it does not filter. */
  void allocate() {
    long now = System.currentTimeMillis();
    if (cluster.options.offerTimeoutMs() > 0) {
      for (SimOffer o : new ArrayList<>(cluster.offerIndex.values())) {
        if (now - o.madeAtMs() > cluster.options.offerTimeoutMs()) rescind(o);
      }
    }
    List<SimFramework> fs = new ArrayList<>(cluster.frameworks.values());
    if (fs.isEmpty()) return;
    int start = rotation++ % fs.size();
    for (int k = 0; k < fs.size(); k++) {
      SimFramework f = fs.get((start + k) % fs.size());
      if (!f.connected || f.suppressed) continue;
      Event.Offers.Builder batch = Event.Offers.newBuilder();
      for (SimAgent a : cluster.agents.values()) {
        if (a.health != SimAgent.Health.ACTIVE || a.offeredAs != null) continue;
        double c = a.freeCpus();
        double m = a.freeMem();
        double d = a.freeDisk();
        if (c < 0.01 || m < 32) continue; // Mesos's minimum allocatable resources
        Filter filter = f.filters.get(a.id);
        if (filter != null && filter.refuses(c, m, d, now)) continue;
        if (filter != null && now >= filter.untilMs()) f.filters.remove(a.id);
        SimOffer o = new SimOffer(cluster.nextOfferId(), a.id, c, m, d, a.freePorts(), now);
        a.offeredAs = o.id();
        f.offers.put(o.id(), o);
        cluster.offerIndex.put(o.id(), o);
        batch.addOffers(OfferShape.offer(f, a, o));
      }
      if (batch.getOffersCount() > 0) {
        cluster.offersSent.addAndGet(batch.getOffersCount());
        streams.send(f, Event.newBuilder().setType(Event.Type.OFFERS).setOffers(batch).build());
      }
    }
  }

  void decline(SimFramework f, Call.Decline d) {
    double refuse = d.getFilters().hasRefuseSeconds() ? d.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS;
    for (Protos.OfferID id : d.getOfferIdsList()) {
      SimOffer o = f.offers.get(id.getValue());
      if (o == null) continue; // Mesos ignores offers it no longer has
      refuse(f, o.agentId(), refuse, o.cpus(), o.mem(), o.disk());
      release(f, o);
    }
  }

  /** The framework refuses these resources of an agent for a while; larger offers of it still pass. */
  void refuse(SimFramework f, String agentId, double refuseSeconds, double cpus, double mem, double disk) {
    if (refuseSeconds <= 0) return;
    f.filters.put(agentId, new Filter(System.currentTimeMillis() + (long) (refuseSeconds * 1000), cpus, mem, disk));
  }

  void revive(SimFramework f) {
    f.suppressed = false;
    f.filters.clear();
    allocateSoon(); // as Mesos's allocator: a revive triggers an allocation, not only the next interval
  }

  /** The offer is no longer outstanding (declined, used, or its framework left). */
  void release(SimFramework f, SimOffer o) {
    f.offers.remove(o.id());
    cluster.offerIndex.remove(o.id());
    SimAgent a = cluster.agents.get(o.agentId());
    if (a != null && o.id().equals(a.offeredAs)) a.offeredAs = null;
  }

  void releaseAll(SimFramework f) {
    for (SimOffer o : new ArrayList<>(f.offers.values())) release(f, o);
  }

  /** Takes an offer back and tells the framework holding it. */
  void rescind(SimOffer o) {
    if (o == null) return;
    for (SimFramework f : cluster.frameworks.values()) {
      if (f.offers.containsKey(o.id())) {
        release(f, o);
        streams.send(f, Event.newBuilder().setType(Event.Type.RESCIND).setRescind(Event.Rescind.newBuilder()
            .setOfferId(Protos.OfferID.newBuilder().setValue(o.id()))).build());
        return;
      }
    }
    cluster.offerIndex.remove(o.id());
  }
}
