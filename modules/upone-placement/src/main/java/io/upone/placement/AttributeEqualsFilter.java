package io.upone.placement;

/** CLUSTER and IS: the field (hostname or attribute) equals the value; an agent without the attribute is out. */
record AttributeEqualsFilter(String name, String field, String value) implements StaticFilter {
  @Override
  public boolean accepts(AgentInfo agent) {
    return value.equals(agent.value(field));
  }
}
