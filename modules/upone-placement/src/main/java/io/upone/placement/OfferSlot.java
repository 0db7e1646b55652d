package io.upone.placement;

import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import java.util.BitSet;
import java.util.List;

/**
 * An offer while one request is placed: what is left of it after the assignments made so far.
 * Lives for one {@code place} call only, so the request stays untouched.
 */
public final class OfferSlot {
  private final Offer offer;
  private final AgentInfo agent;
  private final double weight;
  private final int order;
  private double cpus;
  private double mem;
  private double disk;
  private final BitSet usedPorts = new BitSet();

  OfferSlot(Offer offer, AgentInfo agent, double weight, int order) {
    this.offer = offer;
    this.order = order;
    this.agent = agent;
    this.weight = weight;
    this.cpus = offer.resources().cpus();
    this.mem = offer.resources().mem();
    this.disk = offer.resources().disk();
    for (int p : offer.usedPorts()) if (p > 0 && p <= 65535) usedPorts.set(p);
  }

  public Offer offer() {
    return offer;
  }

  public AgentInfo agent() {
    return agent;
  }

  public String agentId() {
    return offer.agentId();
  }

  /** Position in the request's offers sorted by agent id then offer id: the tie-breaker between equal scores. */
  int order() {
    return order;
  }

  /** Relative preference for this agent from the configuration (1 when none is set). */
  public double weight() {
    return weight;
  }

  /** Load the agent reported: load per core (native agents) or allocation ratio (Mesos). */
  public double load() {
    return offer.load();
  }

  public double cpus() {
    return cpus;
  }

  public double mem() {
    return mem;
  }

  public double disk() {
    return disk;
  }

  List<PortRange> portRanges() {
    return offer.resources().ports();
  }

  boolean portUsed(int port) {
    return usedPorts.get(port);
  }

  /** First port at or after {@code from} not used in this offer. */
  int nextFreePort(int from) {
    return usedPorts.nextClearBit(from);
  }

  void take(double cpus, double mem, double disk, int[] ports) {
    this.cpus -= cpus;
    this.mem -= mem;
    this.disk -= disk;
    for (int p : ports) usedPorts.set(p);
  }
}
