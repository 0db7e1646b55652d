package io.upone.eventlog;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The port every part of upone writes through: an append-only, replicated log of events and the
 * projection it feeds. Implementations: {@link RaftEventLog} (SOFAJRaft, 1 or 3+ members).
 */
public interface EventLog extends AutoCloseable {

  /**
   * Appends one proposal (its events are applied all or nothing). Completes with the committed
   * events (index, term and entry index filled in) once they are replicated, applied and visible
   * in {@link #state()}; fails with {@link io.upone.core.Problem.Failure}: CONFLICT/NOT_FOUND when
   * the projection refuses it, UNAVAILABLE when this member is not the leader.
   *
   * <p>Completion runs on the log's apply thread: callers hop to their own thread at once.
   */
  CompletableFuture<List<Event>> append(Proposal proposal);

  /**
   * An immutable view of the projection after the last applied log entry: never a proposal (or
   * an entry) half-applied, and never changed afterwards. Take it once per decision or request
   * and read everything from it; its {@link State#lastEventIndex()} names what was decided on.
   */
  State view();

  /** The same as {@link #view()}: each call may return a newer view, so call it once per decision. */
  default State state() {
    return view();
  }

  /**
   * The view after the log entry that holds event {@code eventIndex}: the same state on every
   * member that applied it (compare their hashes). Empty if this member has not applied that far
   * yet or keeps views only of more recent entries.
   */
  Optional<State> viewAt(long eventIndex);

  /**
   * A view at least as new as everything committed when it was asked for, through a raft
   * read-index (the leader confirms it still leads; a follower waits until it has applied as far
   * as the leader had committed). Fails with UNAVAILABLE when no leader confirms.
   */
  CompletableFuture<State> consistentView();

  /**
   * Up to {@code max} committed events from index {@code from} on (1-based), in order; fewer when
   * the log ends. Fails with a GONE problem for indexes the log no longer holds (compacted).
   */
  List<Event> read(long from, int max);

  /** Called on the apply thread, in log order, with every proposal's committed events. */
  AutoCloseable onCommitted(Consumer<List<Event>> listener);

  /** Called whenever this member gains or loses leadership. */
  AutoCloseable onLeadership(Consumer<Leadership> listener);

  boolean isLeader();

  /** The raft endpoint ({@code host:port}) of the current leader, if one is known. */
  Optional<String> leaderEndpoint();

  ClusterView cluster();

  /** Why this member stopped applying the log (it met a format newer than it reads), if it did. */
  default Optional<String> halted() {
    return Optional.empty();
  }

  @Override
  void close();

  record Leadership(boolean leader, long term) {}

  record ClusterView(String self, List<String> members, String leader, long term, long committedEntryIndex,
                     long appliedEntryIndex, long lastEventIndex, String role) {}
}
