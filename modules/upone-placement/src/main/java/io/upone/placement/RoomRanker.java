package io.upone.placement;

/**
 * Room left in an offer after one more instance, counted in instances of this app that would
 * still fit (the scarcest of cpus, mem and disk). Bin-packing prefers the least room (best fit),
 * spreading the most.
 */
public final class RoomRanker implements Ranker {
  private final boolean leastRoomFirst;

  public RoomRanker(boolean leastRoomFirst) {
    this.leastRoomFirst = leastRoomFirst;
  }

  @Override
  public String name() {
    return leastRoomFirst ? "best-fit" : "most-room";
  }

  @Override
  public double score(OfferSlot slot, AppPlan plan) {
    double room = Math.max(0, instancesLeft(slot, plan) - 1);
    double roomy = room / (room + 1); // 0 for a last fit, towards 1 for a big empty offer
    return leastRoomFirst ? 1 - roomy : roomy;
  }

  private static double instancesLeft(OfferSlot slot, AppPlan plan) {
    double n = Double.MAX_VALUE;
    if (plan.cpus() > 0) n = Math.min(n, Math.floor(slot.cpus() / plan.cpus() + 1e-9));
    if (plan.mem() > 0) n = Math.min(n, Math.floor(slot.mem() / plan.mem() + 1e-9));
    if (plan.disk() > 0) n = Math.min(n, Math.floor(slot.disk() / plan.disk() + 1e-9));
    return n == Double.MAX_VALUE ? 1000 : n;
  }
}
