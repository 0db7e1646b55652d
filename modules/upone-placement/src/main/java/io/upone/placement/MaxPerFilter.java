package io.upone.placement;

/** UNIQUE (limit 1) and MAX_PER n: fewer than the limit of the app's tasks on the offer's value of the field. */
final class MaxPerFilter implements Filter {
  private final String name;
  private final String field;
  private final ValueCounts counts;
  private final int limit;

  MaxPerFilter(String name, String field, ValueCounts counts, int limit) {
    this.name = name;
    this.field = field;
    this.counts = counts;
    this.limit = limit;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(OfferSlot slot) {
    String v = slot.agent().value(field);
    return v != null && counts.count(v) < limit;
  }
}
