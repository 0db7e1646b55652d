package io.upone.mesos.sim;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Agents joining, becoming unreachable or gone, coming back, and going into maintenance (inverse offers). */
final class Agents {
  private final SimCluster cluster;
  private final EventStreams streams;
  private final StatusUpdates updates;
  private final Allocator allocator;
  private final AgentEndpoints endpoints;
  private int agentSeq;

  Agents(SimCluster cluster, EventStreams streams, StatusUpdates updates, Allocator allocator, AgentEndpoints endpoints) {
    this.cluster = cluster;
    this.streams = streams;
    this.updates = updates;
    this.allocator = allocator;
    this.endpoints = endpoints;
  }

  /** Adds agents once their endpoints listen (so offers name a port that answers), in order. */
  Future<List<SimAgent>> add(int count) {
    SimOptions o = cluster.options;
    List<SimAgent> added = new ArrayList<>();
    List<Future<Void>> bound = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = agentSeq++;
      List<Protos.Attribute> attrs = List.of(text("rack", "r" + (n % o.racks())), text("zone", "z" + (n % 3)));
      SimAgent a = new SimAgent(cluster.masterId + "-S" + n, AgentAddress.of(n), attrs, o.cpus(), o.mem(), o.disk(),
          o.portBegin(), o.portEnd());
      added.add(a);
      bound.add(endpoints.serve(a));
    }
    return Future.all(bound).map(v -> {
      for (SimAgent a : added) cluster.agents.put(a.id, a);
      return added;
    });
  }

  private static Protos.Attribute text(String name, String value) {
    return Protos.Attribute.newBuilder().setName(name).setType(Protos.Value.Type.TEXT)
        .setText(Protos.Value.Text.newBuilder().setValue(value)).build();
  }

  /**
   * The agent is unreachable ({@code gone == false}) or marked gone by an operator: its offer is
   * rescinded, its tasks end as Mesos reports them to each framework, and every framework gets
   * FAILURE for it. Answers how many tasks it had.
   */
  int remove(String agentId, boolean gone) {
    SimAgent a = cluster.agents.get(agentId);
    if (a == null || a.health != SimAgent.Health.ACTIVE) throw new IllegalArgumentException("no active agent " + agentId);
    a.health = gone ? SimAgent.Health.GONE : SimAgent.Health.UNREACHABLE;
    if (a.offeredAs != null) allocator.rescind(cluster.offerIndex.get(a.offeredAs));
    int affected = 0;
    for (SimFramework f : cluster.frameworks.values()) {
      for (SimTask t : new ArrayList<>(f.tasks.values())) {
        if (!t.agentId.equals(agentId) || t.terminal()) continue;
        affected++;
        updates.releaseResources(t);
        TaskState st = !f.partitionAware() ? TaskState.TASK_LOST
            : gone ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_UNREACHABLE;
        TaskStatus.Reason reason = gone ? TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR
            : TaskStatus.Reason.REASON_AGENT_REMOVED;
        updates.dropPending(t);
        f.tasks.remove(t.id);
        if (st == TaskState.TASK_UNREACHABLE) {
          f.unreachable.put(t.id, t);
        } else {
          f.complete(t);
        }
        updates.masterTransition(f, t, st, reason, "agent " + agentId + (gone ? " is gone" : " is unreachable"));
      }
      streams.send(f, Event.newBuilder().setType(Event.Type.FAILURE).setFailure(Event.Failure.newBuilder()
          .setAgentId(Protos.AgentID.newBuilder().setValue(agentId))).build());
    }
    return affected;
  }

  /**
   * An unreachable agent comes back: partition-aware frameworks see its tasks RUNNING again
   * (the others' tasks were LOST and are gone from the master).
   */
  void restore(String agentId) {
    SimAgent a = cluster.agents.get(agentId);
    if (a == null || a.health != SimAgent.Health.UNREACHABLE) throw new IllegalArgumentException("agent " + agentId + " is not unreachable");
    a.health = SimAgent.Health.ACTIVE;
    for (SimFramework f : cluster.frameworks.values()) {
      for (SimTask t : new ArrayList<>(f.unreachable.values())) {
        if (!t.agentId.equals(agentId)) continue;
        f.unreachable.remove(t.id);
        f.tasks.put(t.id, t);
        a.hold(t.cpus, t.mem, t.disk, t.ports);
        t.released = false;
        updates.transition(f, t, TaskState.TASK_RUNNING, null, "agent " + agentId + " reregistered");
      }
    }
  }

  /** Sends an inverse offer (maintenance) for an agent to every connected framework; it names the agent's url as offers do. */
  void inverseOffer(String agentId) {
    SimAgent a = cluster.agents.get(agentId);
    for (SimFramework f : cluster.frameworks.values()) {
      streams.send(f, Event.newBuilder().setType(Event.Type.INVERSE_OFFERS).setInverseOffers(Event.InverseOffers.newBuilder()
          .addInverseOffers(Protos.InverseOffer.newBuilder()
              .setId(Protos.OfferID.newBuilder().setValue(cluster.nextInverseOfferId()))
              .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(f.id))
              .setAgentId(Protos.AgentID.newBuilder().setValue(agentId))
              .setUrl(a == null ? Protos.URL.newBuilder().setScheme("http")
                  .setAddress(Protos.Address.newBuilder().setPort(AgentAddress.NOMINAL_PORT)).build() : OfferShape.url(a))
              .setUnavailability(Protos.Unavailability.newBuilder().setStart(Protos.TimeInfo.newBuilder()
                  .setNanoseconds(System.currentTimeMillis() * 1_000_000L))))).build());
    }
  }
}
