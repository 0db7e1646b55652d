package io.upone.placement;

/** Spread: minus the app's instances already on the agent (unbounded below, so weigh it as a tier). */
public final class FewestInstancesRanker implements Ranker {
  @Override
  public String name() {
    return "fewest-instances";
  }

  @Override
  public double score(OfferSlot slot, AppPlan plan) {
    return -plan.instancesOn(slot.agentId());
  }
}
