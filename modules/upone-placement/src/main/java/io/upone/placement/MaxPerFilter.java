package io.upone.placement;

/** UNIQUE (limit 1) and MAX_PER n: fewer than the limit of the app's tasks on the offer's value of the field. */
record MaxPerFilter(String name, String field, ValueCounts counts, int limit) implements Filter {
  @Override
  public boolean accepts(OfferSlot slot) {
    String v = slot.agent().value(field);
    return v != null && counts.count(v) < limit;
  }
}
