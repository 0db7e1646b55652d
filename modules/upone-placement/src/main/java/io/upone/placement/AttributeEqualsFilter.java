package io.upone.placement;

/** CLUSTER and IS: the field (hostname or attribute) equals the value; an agent without the attribute is out. */
final class AttributeEqualsFilter implements StaticFilter {
  private final String name;
  private final String field;
  private final String value;

  AttributeEqualsFilter(String name, String field, String value) {
    this.name = name;
    this.field = field;
    this.value = value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(AgentInfo agent) {
    return value.equals(agent.value(field));
  }
}
