package io.upone.placement;

import java.util.regex.Pattern;

/**
 * LIKE and UNLIKE: the field's value fully matches (LIKE) or does not match (UNLIKE) the regular
 * expression. Without the attribute, LIKE turns the agent down and UNLIKE accepts it.
 */
record AttributePatternFilter(String name, String field, Pattern pattern, boolean like) implements StaticFilter {
  @Override
  public boolean accepts(AgentInfo agent) {
    String v = agent.value(field);
    if (v == null) return !like;
    return pattern.matcher(v).matches() == like;
  }
}
