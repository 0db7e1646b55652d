package io.upone.server.lifecycle;

import io.upone.core.state.Task;
import io.upone.cron.RunProgress;
import io.upone.placement.Demand;
import io.upone.server.cron.JobRuns;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one pass of the {@link Reconciler} decided, on the state at log index {@code atIndex}.
 *
 * @param missing         instances each app lacks (backing off or not), for "why pending"
 * @param demands         apps to place instances of now (missing and not backing off)
 * @param runs            job runs waiting for a task, oldest first per job
 * @param kills           tasks to stop, with why
 * @param expunge         tasks unreachable too long: to be written LOST, then killed
 * @param runEnds         job runs to record as ended
 * @param backoffResets   apps whose failures are behind them (a task has run long enough)
 * @param forgetKills     kills in flight whose tasks are gone from the log
 * @param pendingSince    since when each app with unmet demand has waited (replaces the old map)
 * @param appsWithUnreachable apps with an UNREACHABLE task, or null when this pass did not look
 * @param deploymentActions running deployments that move on, end or are rolled back
 * @param alerts          alerts to raise (e.g. the health kill budget is used up)
 * @param healthKills     tasks killed for failing health checks, per app (they use up its budget)
 */
public record Decisions(long atIndex, Map<String, Integer> missing, List<Demand> demands, List<JobRuns.PendingRun> runs,
                        List<Kill> kills, List<Task> expunge, List<RunEnd> runEnds, Set<String> backoffResets,
                        Set<String> forgetKills, Map<String, Long> pendingSince, Set<String> appsWithUnreachable,
                        List<DeploymentAction> deploymentActions, List<Alert> alerts, Map<String, Integer> healthKills) {

  /** A running deployment moves on, ends, or is rolled back. */
  public record DeploymentAction(io.upone.core.proto.Deployment deployment, DeploymentPlan.Action action) {}

  /** Something an operator must hear about, written to the log as {@code AlertRaised}. */
  public record Alert(String kind, String appId, String message) {}

  /** Stop this task: SIGTERM, SIGKILL after the grace period. */
  public record Kill(Task task, String reason, int gracePeriodSeconds) {
    public String taskId() {
      return task.id();
    }
  }

  /** Record the end of a job run. */
  public record RunEnd(String jobId, String runId, RunProgress.Finish finish) {}
}
