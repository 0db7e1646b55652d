package io.upone.placement;

/**
 * GROUP_BY: an instance goes only to a group (a value of the field among agents where the app may
 * run) that has the fewest of the app's tasks, so groups stay within one of each other. An offer
 * in a group that is ahead waits until the others catch up.
 */
record GroupByFilter(String name, String field, ValueCounts counts) implements Filter {
  @Override
  public boolean accepts(OfferSlot slot) {
    String v = slot.agent().value(field);
    return v != null && counts.count(v) <= counts.min();
  }

  @Override
  public boolean mayRecover() {
    return true;
  }
}
