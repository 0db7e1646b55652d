package io.upone.server.offers;

import io.upone.core.driver.Offer;
import io.upone.core.proto.AppSpec;
import io.upone.placement.Assignment;
import io.upone.server.cron.JobRuns;
import java.util.List;

/**
 * The tasks one offer takes in a placement, with their ids reserved (counted in flight), before
 * their {@code TaskLaunched} events are proposed.
 */
record PlannedLaunch(Offer offer, List<Task> tasks) {
  /** One task: its id, its app (or job as an app), where placement put it, and its job run (or null). */
  record Task(String taskId, AppSpec app, Assignment assignment, JobRuns.PendingRun run) {}

  PlannedLaunch {
    tasks = List.copyOf(tasks);
  }
}
