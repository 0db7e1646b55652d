package io.upone.placement;

/** Prefers agents that report less load (native: load per core; Mesos: allocation ratio), 1 idle .. 0 saturated. */
public final class LoadRanker implements Ranker {
  @Override
  public String name() {
    return "load";
  }

  @Override
  public double score(OfferSlot slot, AppPlan plan) {
    double load = slot.load();
    if (!(load > 0)) return 1; // NaN or idle
    return 1 - Math.min(1, load);
  }
}
