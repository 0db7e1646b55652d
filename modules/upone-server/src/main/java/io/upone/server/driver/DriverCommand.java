package io.upone.server.driver;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import java.util.List;

/** What the scheduler asks of the driver, on the local bus: one record per {@link ClusterDriver} call. */
public sealed interface DriverCommand {
  record Launch(String offerId, List<TaskLaunch> tasks) implements DriverCommand {
    public Launch {
      tasks = List.copyOf(tasks);
    }
  }

  record Decline(String offerId, double refuseSeconds) implements DriverCommand {}

  record Kill(String agentId, String taskId, int gracePeriodSeconds) implements DriverCommand {}

  record Reconcile(List<ClusterDriver.TaskRef> tasks) implements DriverCommand {
    public Reconcile {
      tasks = List.copyOf(tasks);
    }
  }

  record Acknowledge(TaskReport report) implements DriverCommand {}

  record Revive() implements DriverCommand {}

  record Suppress() implements DriverCommand {}

  /** Request/reply: the agents the driver knows ({@code Map<String, ClusterDriver.Agent>}). */
  record Agents() implements DriverCommand {}

  /** Request/reply: each agent's free resources now ({@code Map<String, Offer>}), empty when unknown. */
  record Capacity() implements DriverCommand {}
}
