package io.upone.server.driver;

import io.upone.core.proto.Event;
import io.upone.core.proto.FrameworkRegistered;
import io.upone.core.proto.Proposal;
import io.upone.eventlog.EventLog;
import io.upone.mesos.FrameworkIdStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos framework id in the event log (FrameworkRegistered): every member knows it, so
 * whichever node leads next resubscribes as the same framework and gets its tasks back.
 */
public final class LoggedFrameworkId implements FrameworkIdStore {
  private static final Logger LOG = LoggerFactory.getLogger(LoggedFrameworkId.class);
  private final EventLog log;

  public LoggedFrameworkId(EventLog log) {
    this.log = log;
  }

  @Override
  public String frameworkId() {
    return log.view().frameworkId();
  }

  @Override
  public void subscribed(String frameworkId, String master) {
    if (frameworkId.equals(log.view().frameworkId())) return;
    record(frameworkId, master);
  }

  @Override
  public void forget(String why) {
    if (log.view().frameworkId().isEmpty()) return;
    LOG.warn("forgetting framework id {}: {}", log.view().frameworkId(), why);
    record("", "");
  }

  /** A raft read-index: only a leader a quorum still follows confirms. */
  @Override
  public java.util.concurrent.CompletionStage<Boolean> stillLeads() {
    return log.consistentView().handle((view, t) -> t == null && log.isLeader());
  }

  private void record(String id, String master) {
    log.append(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(System.currentTimeMillis())
            .setFrameworkRegistered(FrameworkRegistered.newBuilder().setFrameworkId(id).setMaster(master))).build())
        .whenComplete((r, t) -> {
          if (t != null) LOG.error("framework id {} not recorded: {} (a restart now would register anew)", id, t.toString());
        });
  }
}
