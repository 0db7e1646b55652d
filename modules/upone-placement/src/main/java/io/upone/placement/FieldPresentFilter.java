package io.upone.placement;

/**
 * UNIQUE, MAX_PER and GROUP_BY count tasks per value of a field: an agent without the attribute
 * has no value to count on, so it is out. Named after the constraint that needs the field.
 */
final class FieldPresentFilter implements StaticFilter {
  private final String name;
  private final String field;

  FieldPresentFilter(String name, String field) {
    this.name = name;
    this.field = field;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(AgentInfo agent) {
    return agent.value(field) != null;
  }
}
