package io.upone.placement;

/**
 * Scores a feasible offer for one app; higher is better. Scores should lie in 0..1 so that a
 * strategy's weights say how much each ranker counts. A score may only change for an offer
 * when that offer (or its agent) gets an instance: the pipeline keeps candidates in a heap and
 * re-scores an offer only when it comes out on top.
 */
public interface Ranker {
  String name();

  double score(OfferSlot slot, AppPlan plan);
}
