package io.upone.eventlog;

import io.upone.core.state.State;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The views of the projection the apply thread has published: the latest one (what every reader
 * takes) and the last {@link #RETAINED} (so members can be compared at the same event index:
 * each entry ends at the same event index on every member, so "the view after the entry holding
 * event N" is the same state everywhere). Views share structure, so keeping some costs little.
 */
final class PublishedViews {
  /**
   * Each retained view pins the nodes later entries replaced: with big batches up to a whole copy
   * of the task map per view, so a few dozen, not thousands.
   */
  static final int RETAINED = 32;

  private volatile State latest;
  private final Deque<State> recent = new ArrayDeque<>();

  PublishedViews(State first) {
    latest = first;
    recent.addLast(first);
  }

  State latest() {
    return latest;
  }

  /** Apply thread: the state after one more applied entry. */
  void publish(State view) {
    synchronized (recent) {
      // an entry whose proposals were all refused ends where the previous one did: one view per index
      if (!recent.isEmpty() && recent.peekLast().lastEventIndex() == view.lastEventIndex()) recent.pollLast();
      recent.addLast(view);
      while (recent.size() > RETAINED) recent.pollFirst();
    }
    latest = view;
  }

  /** Apply thread: a snapshot replaced the state; older views no longer lead to it. */
  void reset(State view) {
    synchronized (recent) {
      recent.clear();
      recent.addLast(view);
    }
    latest = view;
  }

  /**
   * The view after the entry that holds event {@code index} (or, for 0, the first retained);
   * empty when this member has not applied that far yet or no longer retains it.
   */
  Optional<State> at(long index) {
    synchronized (recent) {
      State before = null;
      for (Iterator<State> it = recent.iterator(); it.hasNext(); ) {
        State v = it.next();
        if (v.lastEventIndex() >= index) {
          boolean known = v.lastEventIndex() == index || before != null;
          return known ? Optional.of(v) : Optional.empty();
        }
        before = v;
      }
      return Optional.empty();
    }
  }
}
