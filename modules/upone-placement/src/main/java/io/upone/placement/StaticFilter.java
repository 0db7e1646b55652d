package io.upone.placement;

/**
 * A filter that depends on the agent alone (CLUSTER, IS, LIKE, UNLIKE, a field being present):
 * checked once per offer and app, and over every known agent to find where an app may ever run.
 */
public interface StaticFilter extends Filter {
  boolean accepts(AgentInfo agent);

  @Override
  default boolean accepts(OfferSlot slot) {
    return accepts(slot.agent());
  }
}
