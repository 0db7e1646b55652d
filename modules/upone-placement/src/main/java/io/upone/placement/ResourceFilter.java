package io.upone.placement;

/** Enough of one scalar resource (cpus, mem or disk) left in the offer for one more instance. */
final class ResourceFilter implements Filter {
  enum Kind { cpus, mem, disk }

  private static final double EPSILON = 1e-9;
  private final Kind kind;
  private final double need;

  ResourceFilter(Kind kind, double need) {
    this.kind = kind;
    this.need = need;
  }

  @Override
  public String name() {
    return kind.name();
  }

  @Override
  public boolean accepts(OfferSlot slot) {
    double left = switch (kind) {
      case cpus -> slot.cpus();
      case mem -> slot.mem();
      case disk -> slot.disk();
    };
    return need <= left + EPSILON;
  }
}
