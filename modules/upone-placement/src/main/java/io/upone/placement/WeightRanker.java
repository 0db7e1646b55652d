package io.upone.placement;

/** Prefers agents the operator weighted up (by agent id or a weight attribute), relative to the heaviest offer. */
public final class WeightRanker implements Ranker {
  @Override
  public String name() {
    return "weight";
  }

  @Override
  public double score(OfferSlot slot, AppPlan plan) {
    return plan.maxWeight() <= 0 ? 0 : slot.weight() / plan.maxWeight();
  }
}
