package io.upone.placement;

import java.util.regex.Pattern;

/**
 * Task-attribute rules (field {@code task:<label>}): LIKE puts the instance next to a task whose
 * label fully matches (on the same agent), UNLIKE keeps it away from every such task. Tasks placed
 * earlier in the same cycle count.
 */
final class TaskAffinityFilter implements Filter {
  private final String name;
  private final String labelKey;
  private final Pattern pattern;
  private final boolean like;
  private final boolean selfMatching;
  private final TaskLabelIndex index;

  /** @param selfMatching the app's own labels match: placing it may open agents to a LIKE rule */
  TaskAffinityFilter(String name, String labelKey, Pattern pattern, boolean like, boolean selfMatching, TaskLabelIndex index) {
    this.name = name;
    this.labelKey = labelKey;
    this.pattern = pattern;
    this.like = like;
    this.selfMatching = selfMatching;
    this.index = index;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(OfferSlot slot) {
    return acceptsAgent(slot.agentId());
  }

  /** As tasks stand now; used to count the agents an app may run on, offering or not. */
  boolean acceptsAgent(String agentId) {
    return (index.count(labelKey, pattern, agentId) > 0) == like;
  }

  @Override
  public boolean mayRecover() {
    return like && selfMatching;
  }
}
