package io.upone.placement;

/**
 * Spread over machines: no agent takes more than its share of an app, ceil(instances / agents
 * where the app may run), counting agents that do not offer now. Strategies that pack skip it.
 */
final class AgentShareFilter implements Filter {
  private final AppPlan plan;
  private final int share;

  AgentShareFilter(AppPlan plan, int share) {
    this.plan = plan;
    this.share = share;
  }

  @Override
  public String name() {
    return "spread";
  }

  @Override
  public boolean accepts(OfferSlot slot) {
    return plan.instancesOn(slot.agentId()) < share;
  }
}
