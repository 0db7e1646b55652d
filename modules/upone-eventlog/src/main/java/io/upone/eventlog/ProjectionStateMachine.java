package io.upone.eventlog;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.upone.core.EventFormat;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.LogEntry;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.state.State;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin raft adapter: decode each entry, let the projection apply its proposals, complete
 * the proposers' futures, tell listeners. Snapshots are the projection written to one file.
 */
final class ProjectionStateMachine extends StateMachineAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionStateMachine.class);
  static final String SNAPSHOT_FILE = "state.pb";

  /** The projection the apply thread changes; no other thread reads it. */
  private State state = new State();
  /** What readers get: a view of {@link #state} published after each applied entry, never in the middle of one. */
  private final PublishedViews views = new PublishedViews(state.view());
  /** Tests: runs on the apply thread after each proposal of an entry, before the entry is published. */
  volatile Runnable afterProposal = () -> {};
  final EventHistory history = new EventHistory();
  final List<Consumer<List<Event>>> committedListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<EventLog.Leadership>> leadershipListeners = new CopyOnWriteArrayList<>();
  private volatile long leaderTerm = -1;
  /** The term of the leader this member last started following (followers learn terms here). */
  private volatile long followingTerm = -1;
  private final long snapshotEveryEvents;
  private long eventsSinceSnapshot;
  private Runnable snapshotTrigger = () -> {};
  /** The event index the latest saved or loaded snapshot covers. */
  private volatile long snapshotEventIndex;

  private final int readableFormat;
  /** Why this member stopped applying the log, or null. */
  private volatile String halted;

  ProjectionStateMachine(long snapshotEveryEvents) {
    this(snapshotEveryEvents, EventFormat.CURRENT);
  }

  ProjectionStateMachine(long snapshotEveryEvents, int readableFormat) {
    this.snapshotEveryEvents = snapshotEveryEvents;
    this.readableFormat = readableFormat;
  }

  String halted() {
    return halted;
  }

  /** The latest published view: the state after the last applied entry, all of it. */
  State view() {
    return views.latest();
  }

  PublishedViews views() {
    return views;
  }

  boolean isLeader() {
    return leaderTerm > 0;
  }

  long followingTerm() {
    return followingTerm;
  }

  long leaderTerm() {
    return leaderTerm;
  }

  long snapshotEventIndex() {
    return snapshotEventIndex;
  }

  void setSnapshotTrigger(Runnable trigger) {
    this.snapshotTrigger = trigger;
  }

  @Override
  public void onApply(Iterator iter) {
    while (iter.hasNext()) {
      long entryIndex = iter.getIndex();
      long term = iter.getTerm();
      Closure done = iter.done();
      BatchClosure batch = done instanceof BatchClosure b ? b : null;
      LogEntry entry;
      try {
        entry = LogEntry.parseFrom(iter.getData());
      } catch (InvalidProtocolBufferException e) {
        // Every member refuses the same bytes the same way; stop rather than diverge.
        iter.setErrorAndRollback(1, new Status(RaftError.EINVAL, "undecodable log entry %d", entryIndex));
        return;
      }
      if (EventFormat.of(entry) > readableFormat) {
        // applying what it understands of the entry would leave this member with another state
        // than the members that understood all of it: stop here, before anything changes
        halted = EventFormat.tooNew("raft entry " + entryIndex, EventFormat.of(entry), readableFormat);
        LOG.error("stopped applying the log: {}", halted);
        iter.setErrorAndRollback(1, new Status(RaftError.EINVAL, "%s", halted));
        return;
      }
      State s = state;
      long firstEvent = s.lastEventIndex() + 1;
      history.beginEntry(entryIndex, firstEvent);
      Object[] outcomes = new Object[entry.getProposalsCount()];
      for (int i = 0; i < outcomes.length; i++) {
        try {
          outcomes[i] = s.applyProposal(entry.getProposals(i), entryIndex, term);
        } catch (Problem.Failure refused) {
          history.refused(entryIndex, i);
          outcomes[i] = refused;
        }
        afterProposal.run();
      }
      s.entryApplied(entryIndex, term);
      history.endEntry(entryIndex, s.lastEventIndex());
      views.publish(s.view());
      // Only now is the whole entry readable: tell listeners and proposers.
      for (int i = 0; i < outcomes.length; i++) {
        if (outcomes[i] instanceof Problem.Failure refused) {
          if (batch != null) batch.fail(i, refused);
        } else {
          @SuppressWarnings("unchecked")
          List<Event> committed = (List<Event>) outcomes[i];
          for (Consumer<List<Event>> l : committedListeners) notify(l, committed);
          if (batch != null) batch.complete(i, committed);
        }
      }
      if (done != null) done.run(Status.OK());
      // counted in events, not entries: with batching one entry may carry thousands of events,
      // and replay time after a restart grows with events
      eventsSinceSnapshot += s.lastEventIndex() - firstEvent + 1;
      if (snapshotEveryEvents > 0 && eventsSinceSnapshot >= snapshotEveryEvents) {
        eventsSinceSnapshot = 0;
        snapshotTrigger.run();
      }
      iter.next();
    }
  }

  private static void notify(Consumer<List<Event>> l, List<Event> events) {
    try {
      l.accept(events);
    } catch (RuntimeException e) {
      LOG.error("event listener failed", e);
    }
  }

  @Override
  public void onSnapshotSave(SnapshotWriter writer, Closure done) {
    StateSnapshot snap = state.snapshot();
    Path file = Path.of(writer.getPath(), SNAPSHOT_FILE);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      snap.writeTo(out);
    } catch (IOException e) {
      done.run(new Status(RaftError.EIO, "writing snapshot failed: %s", e.getMessage()));
      return;
    }
    if (writer.addFile(SNAPSHOT_FILE)) {
      eventsSinceSnapshot = 0;
      snapshotEventIndex = snap.getLastEventIndex();
      done.run(Status.OK());
    } else {
      done.run(new Status(RaftError.EIO, "could not add %s to the snapshot", SNAPSHOT_FILE));
    }
  }

  @Override
  public boolean onSnapshotLoad(SnapshotReader reader) {
    if (isLeader()) {
      LOG.warn("leader asked to load a snapshot; refusing");
      return false;
    }
    Path file = Path.of(reader.getPath(), SNAPSHOT_FILE);
    if (reader.getFileMeta(SNAPSHOT_FILE) == null || !Files.exists(file)) {
      LOG.error("snapshot at {} has no {}", reader.getPath(), SNAPSHOT_FILE);
      return false;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CodedInputStream cin = CodedInputStream.newInstance(in);
      cin.setSizeLimit(Integer.MAX_VALUE);
      StateSnapshot snap = StateSnapshot.parseFrom(cin);
      if (EventFormat.of(snap) > readableFormat) {
        halted = EventFormat.tooNew("the snapshot at " + reader.getPath(), EventFormat.of(snap), readableFormat);
        LOG.error("not loading: {}", halted);
        return false;
      }
      state = State.restore(snap);
      views.reset(state.view());
      history.reset(snap.getLastEntryIndex(), snap.getLastEventIndex());
      snapshotEventIndex = snap.getLastEventIndex();
      return true;
    } catch (IOException e) {
      LOG.error("loading snapshot failed", e);
      return false;
    }
  }

  @Override
  public void onStartFollowing(com.alipay.sofa.jraft.entity.LeaderChangeContext ctx) {
    super.onStartFollowing(ctx);
    followingTerm = ctx.getTerm();
  }

  @Override
  public void onLeaderStart(long term) {
    leaderTerm = term;
    leadershipListeners.forEach(l -> l.accept(new EventLog.Leadership(true, term)));
  }

  @Override
  public void onLeaderStop(Status status) {
    long term = leaderTerm;
    leaderTerm = -1;
    leadershipListeners.forEach(l -> l.accept(new EventLog.Leadership(false, term)));
  }

  @Override
  public void onError(RaftException e) {
    LOG.error("raft state machine error: {}", e.getStatus(), e);
  }
}
