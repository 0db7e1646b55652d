package io.upone.server.offers;

import io.upone.placement.Demand;
import io.upone.server.cron.JobRuns;
import java.util.List;
import java.util.Map;

/**
 * What the lifecycle wants placed, decided on the log's state at {@code atIndex}: the offers
 * verticle subtracts its own launches that the log did not show at that index.
 *
 * @param missing instances each app lacks (backing off or not), for "why pending"
 * @param apps    apps to place instances of now
 * @param runs    job runs waiting for a task, oldest first per job
 * @param urgent  something new is wanted (an app changed, a run fired): ask for offers now
 */
public record Wanted(long atIndex, Map<String, Integer> missing, List<Demand> apps, List<JobRuns.PendingRun> runs,
                     boolean urgent) {
  public static final Wanted NOTHING = new Wanted(0, Map.of(), List.of(), List.of(), false);

  public Wanted {
    missing = Map.copyOf(missing);
    apps = List.copyOf(apps);
    runs = List.copyOf(runs);
  }
}
