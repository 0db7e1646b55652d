package io.upone.core.driver;

import java.util.Map;
import java.util.Set;

/**
 * Resources one agent offers now. Ephemeral: offers are never written to the log. {@code load}
 * is the agent's recent load per core (native agents) or its allocation ratio (Mesos), 0..1+.
 * {@code executors}: what the agent runs ("process", "docker"); empty when the cluster engine
 * does not say (Mesos: its containerizer decides).
 */
public record Offer(String offerId, String agentId, String hostname, Map<String, String> attributes,
                    Resources resources, Set<Integer> usedPorts, double load, Set<String> executors) {
  public Offer {
    attributes = Map.copyOf(attributes);
    usedPorts = Set.copyOf(usedPorts);
    executors = Set.copyOf(executors);
  }

  public Offer(String offerId, String agentId, String hostname, Map<String, String> attributes,
               Resources resources, Set<Integer> usedPorts, double load) {
    this(offerId, agentId, hostname, attributes, resources, usedPorts, load, Set.of());
  }
}
