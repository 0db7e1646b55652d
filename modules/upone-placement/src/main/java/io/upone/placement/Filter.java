package io.upone.placement;

/**
 * One feasibility check of an offer for one app (a resource, the ports, one constraint). The
 * first filter that turns an offer down gives the report its reason, so {@link #name} is what an
 * operator reads: {@code cpus}, {@code ports}, {@code UNIQUE(hostname)}, {@code MAX_PER(rack:2)}.
 */
public interface Filter {
  String name();

  boolean accepts(OfferSlot slot);

  /**
   * Whether an offer turned down now may become acceptable after more instances of the same app
   * are placed (GROUP_BY waits for the other groups to catch up). Such offers are set aside and
   * looked at again, instead of dropped.
   */
  default boolean mayRecover() {
    return false;
  }
}
