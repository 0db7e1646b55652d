package io.upone.mesos.sim;

import io.upone.mesos.sim.SimFramework.SimOffer;
import org.apache.mesos.v1.Protos;

/**
 * An offer as the Mesos master builds it for one framework ({@code Master::offer} in
 * {@code src/master/master.cpp}): the agent's {@code url} ({@code http://ip:port/slave(1)}); the
 * offer's and resources' {@code allocation_info} only for MULTI_ROLE frameworks (MESOS-8237:
 * stripped for the others); resources in the pre-refinement format (unreserved: {@code role "*"})
 * for frameworks without RESERVATION_REFINEMENT ({@code convertResourceFormat} in
 * {@code src/common/resources_utils.cpp}).
 */
final class OfferShape {
  private OfferShape() {}

  static Protos.Offer offer(SimFramework f, SimAgent a, SimOffer o) {
    boolean multiRole = f.has(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE);
    boolean refinement = f.has(Protos.FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT);
    Protos.Resource.AllocationInfo alloc = Protos.Resource.AllocationInfo.newBuilder().setRole(f.role()).build();
    Protos.Offer.Builder b = Protos.Offer.newBuilder().setId(Protos.OfferID.newBuilder().setValue(o.id()))
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(f.id))
        .setAgentId(Protos.AgentID.newBuilder().setValue(a.id)).setHostname(a.hostname)
        .setUrl(url(a))
        .addAllAttributes(a.attributes);
    b.addResources(shape(scalar("cpus", o.cpus()), multiRole, refinement, alloc));
    b.addResources(shape(scalar("mem", o.mem()), multiRole, refinement, alloc));
    b.addResources(shape(scalar("disk", o.disk()), multiRole, refinement, alloc));
    if (o.ports().getRangeCount() > 0) {
      b.addResources(shape(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
          .setRanges(o.ports()), multiRole, refinement, alloc));
    }
    if (multiRole) b.setAllocationInfo(alloc);
    return b.build();
  }

  /** Where the agent's endpoints answer: {@code http://ip:port/slave(1)}. */
  static Protos.URL url(SimAgent a) {
    return Protos.URL.newBuilder().setScheme("http")
        .setAddress(Protos.Address.newBuilder().setHostname(a.hostname).setIp(a.ip).setPort(a.port))
        .setPath("/slave(1)").build();
  }

  private static Protos.Resource shape(Protos.Resource.Builder r, boolean multiRole, boolean refinement,
                                       Protos.Resource.AllocationInfo alloc) {
    if (multiRole) r.setAllocationInfo(alloc);
    if (!refinement) r.setRole("*");
    return r.build();
  }

  private static Protos.Resource.Builder scalar(String name, double v) {
    return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
        .setScalar(Protos.Value.Scalar.newBuilder().setValue(v));
  }
}
