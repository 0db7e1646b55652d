package io.upone.placement;

/**
 * An app with an image runs only where a container engine does: agents that say what they run
 * and do not list {@code docker} are out. Agents that do not say (Mesos, where the containerizer
 * decides) are not turned down here.
 */
record ExecutorFilter(String executor) implements StaticFilter {
  static final String DOCKER = "docker";

  @Override
  public String name() {
    return "executor(" + executor + ")";
  }

  @Override
  public boolean accepts(AgentInfo agent) {
    return agent.executors().isEmpty() || agent.executors().contains(executor);
  }
}
