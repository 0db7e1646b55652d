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

  /** The projection as of the last applied event. Never block on it. */
  State state();

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
