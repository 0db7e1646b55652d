package io.upone.mesos.sim;

import io.upone.mesos.sim.SimFramework.SimOffer;
import org.apache.mesos.v1.Protos;

/** An offer as the Mesos master builds it for one framework. */
final class OfferShape {
  private OfferShape() {}

  static Protos.Offer offer(SimFramework f, SimAgent a, SimOffer o) {
    String role = f.info.getRolesCount() > 0 ? f.info.getRoles(0) : f.info.hasRole() ? f.info.getRole() : "*";
    Protos.Resource.AllocationInfo alloc = Protos.Resource.AllocationInfo.newBuilder().setRole(role).build();
    Protos.Offer.Builder b = Protos.Offer.newBuilder().setId(Protos.OfferID.newBuilder().setValue(o.id()))
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(f.id))
        .setAgentId(Protos.AgentID.newBuilder().setValue(a.id)).setHostname(a.hostname)
        .addAllAttributes(a.attributes)
        .addResources(scalar("cpus", o.cpus(), alloc))
        .addResources(scalar("mem", o.mem(), alloc))
        .addResources(scalar("disk", o.disk(), alloc));
    if (o.ports().getRangeCount() > 0) {
      b.addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
          .setRanges(o.ports()).setAllocationInfo(alloc));
    }
    if (f.has(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)) b.setAllocationInfo(alloc);
    return b.build();
  }

  private static Protos.Resource scalar(String name, double v, Protos.Resource.AllocationInfo alloc) {
    return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
        .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).setAllocationInfo(alloc).build();
  }
}
