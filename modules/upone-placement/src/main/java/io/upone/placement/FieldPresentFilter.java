package io.upone.placement;

/**
 * UNIQUE, MAX_PER and GROUP_BY count tasks per value of a field: an agent without the attribute
 * has no value to count on, so it is out. Named after the constraint that needs the field.
 */
record FieldPresentFilter(String name, String field) implements StaticFilter {
  @Override
  public boolean accepts(AgentInfo agent) {
    return agent.value(field) != null;
  }
}
