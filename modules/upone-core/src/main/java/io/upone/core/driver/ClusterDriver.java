package io.upone.core.driver;

import java.util.Collection;
import java.util.Map;

/**
 * The port between the scheduler and a cluster engine: upone's own agents or a Mesos master.
 * One owner (the server's driver verticle) builds the driver with its Vert.x context and calls it
 * only on that context; offers, reports and losses come back through {@link Listener} on the same
 * context. Nothing above the owner knows which engine it is, so the scheduling code is the same
 * for both. Calls are asynchronous and idempotent.
 */
public interface ClusterDriver {

  /** Starts driving the cluster; offers, reports and losses flow to the listener from now on. */
  void start(Listener listener);

  /** Starts tasks on the agent of {@code offerId}; the rest of that offer is declined. */
  void launch(String offerId, Collection<TaskLaunch> tasks);

  /** Returns an offer unused; the driver may not offer that agent again for {@code refuseSeconds}. */
  void decline(String offerId, double refuseSeconds);

  /** Stops a task: SIGTERM, then SIGKILL after the grace period. Unknown tasks are ignored. */
  void kill(String agentId, String taskId, int gracePeriodSeconds);

  /**
   * Asks for the current state of these tasks (explicit) or, with an empty collection, of every
   * task the cluster runs for us (implicit). Answers arrive as {@link Listener#report}.
   */
  void reconcile(Collection<TaskRef> tasks);

  /**
   * The scheduler has committed this report to the log; the driver may let the agent (or the
   * Mesos master) stop resending it. Terminal tasks are then forgotten by the agent.
   */
  void acknowledge(TaskReport report);

  /** There is demand: send offers again. */
  void revive();

  /** No demand: stop sending offers until {@link #revive()}. */
  void suppress();

  void stop();

  /**
   * The raft term of the leader driving the cluster now, told before {@link #start}: drivers that
   * can carry it on their commands do, so that a deposed leader's commands are refused.
   */
  default void leaderTerm(long term) {}

  /**
   * Agents the driver knows now (registered native agents, or Mesos agents seen in offers), for
   * spreading an app over every feasible machine, not only the ones offering this instant. Call
   * on the driver's context; the map may be the driver's own, so copy it to hand it elsewhere.
   */
  Map<String, Agent> agents();

  /**
   * Each agent's free resources now, as offers nobody may accept (for what-if questions), when
   * the driver knows them without waiting for an offer; empty otherwise (Mesos tells resources
   * only through offers). Call on the driver's context.
   */
  default Map<String, Offer> capacity() {
    return Map.of();
  }

  record TaskRef(String taskId, String agentId) {}

  /** {@code executors}: what the agent runs ("process", "docker"); empty when the driver does not know. */
  record Agent(String agentId, String hostname, Map<String, String> attributes, java.util.Set<String> executors) {
    public Agent {
      attributes = Map.copyOf(attributes);
      executors = java.util.Set.copyOf(executors);
    }

    public Agent(String agentId, String hostname, Map<String, String> attributes) {
      this(agentId, hostname, attributes, java.util.Set.of());
    }
  }

  /** What a driver tells its owner. Called on the driver's context (drivers hop there). */
  interface Listener {
    void offers(Collection<Offer> offers);

    void rescinded(String offerId);

    void report(TaskReport report);

    /** An agent is gone (timed out, removed): its tasks are to be considered LOST. */
    void agentLost(String agentId, String reason);
  }
}
