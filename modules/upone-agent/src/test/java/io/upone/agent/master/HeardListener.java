package io.upone.agent.master;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.TaskReport;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one driver told its scheduler: offers and task reports, kept for the test to read. */
final class HeardListener implements ClusterDriver.Listener {
  final List<Offer> offers = new CopyOnWriteArrayList<>();
  final List<TaskReport> reports = new CopyOnWriteArrayList<>();

  @Override public void offers(Collection<Offer> o) { offers.addAll(o); }
  @Override public void rescinded(String offerId) { }
  @Override public void report(TaskReport r) { reports.add(r); }
  @Override public void agentLost(String agentId, String reason) { }

  /** The last report of the task, or null. */
  TaskReport reportOf(String taskId) {
    TaskReport last = null;
    for (TaskReport r : reports) if (r.taskId().equals(taskId)) last = r;
    return last;
  }
}
