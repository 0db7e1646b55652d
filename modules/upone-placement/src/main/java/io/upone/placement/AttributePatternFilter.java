package io.upone.placement;

import java.util.regex.Pattern;

/**
 * LIKE and UNLIKE: the field's value fully matches (LIKE) or does not match (UNLIKE) the regular
 * expression. Without the attribute, LIKE turns the agent down and UNLIKE accepts it.
 */
final class AttributePatternFilter implements StaticFilter {
  private final String name;
  private final String field;
  private final Pattern pattern;
  private final boolean like;

  AttributePatternFilter(String name, String field, Pattern pattern, boolean like) {
    this.name = name;
    this.field = field;
    this.pattern = pattern;
    this.like = like;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(AgentInfo agent) {
    String v = agent.value(field);
    if (v == null) return !like;
    return pattern.matcher(v).matches() == like;
  }
}
