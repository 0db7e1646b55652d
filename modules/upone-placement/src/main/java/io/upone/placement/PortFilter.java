package io.upone.placement;

/** The app's fixed host ports are offered and free, and enough free ports remain in the ranges for its dynamic ones. */
final class PortFilter implements Filter {
  private final int[] wanted;

  PortFilter(int[] wanted) {
    this.wanted = wanted;
  }

  @Override
  public String name() {
    return "ports";
  }

  @Override
  public boolean accepts(OfferSlot slot) {
    return PortAllocation.allocate(slot, wanted) != null;
  }
}
