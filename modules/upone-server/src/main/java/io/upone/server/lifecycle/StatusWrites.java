package io.upone.server.lifecycle;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.eventlog.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Task status changes reported by the driver, written to the log together: every change that
 * arrives in one turn of the lifecycle's event loop (a Mesos burst delivers thousands) goes into
 * one proposal, and each change's future completes when that proposal commits, so each update is
 * still acknowledged only once it is in the log. Owned by the lifecycle verticle's context.
 */
final class StatusWrites {
  /** Changes per proposal at most: a proposal stays a modest part of one log entry. */
  static final int MAX_PER_PROPOSAL = 1000;

  private final EventLog log;
  private final Context context;
  private final List<Event> events = new ArrayList<>();
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private boolean flushQueued;

  StatusWrites(EventLog log, Context context) {
    this.log = log;
    this.context = context;
  }

  /** Queues one change; the future completes once it is committed (fails if it is not). */
  Future<Void> write(TaskStatusChanged change, long nowMs) {
    Promise<Void> p = Promise.promise();
    events.add(Event.newBuilder().setTimestampMs(nowMs).setTaskStatusChanged(change).build());
    waiting.add(p);
    if (events.size() >= MAX_PER_PROPOSAL) {
      flush();
    } else if (!flushQueued) {
      flushQueued = true;
      // runs after the reports already queued on this loop: they join the same proposal
      context.runOnContext(v -> flush());
    }
    return p.future();
  }

  private void flush() {
    flushQueued = false;
    if (events.isEmpty()) return;
    Proposal proposal = Proposal.newBuilder().addAllEvents(events).build();
    List<Promise<Void>> these = new ArrayList<>(waiting);
    events.clear();
    waiting.clear();
    Future.fromCompletionStage(log.append(proposal), context).onComplete(ar -> {
      for (Promise<Void> p : these) {
        if (ar.succeeded()) p.complete();
        else p.fail(ar.cause());
      }
    });
  }
}
