package io.upone.eventlog;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.LogEntry;
import io.upone.core.proto.Proposal;
import com.alipay.sofa.jraft.entity.EnumOutter;
import com.alipay.sofa.jraft.storage.LogStorage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds events by their index in the raft log itself, so no second copy of history is kept.
 *
 * <p>Event indexes are assigned at apply time (refused proposals get none), so the mapping from
 * event index to log entry is recorded as it happens: a checkpoint (entry, first event index)
 * whenever the log index has advanced by {@value #CHECKPOINT_EVERY} or more, plus the rare refused proposals. A read starts
 * at the nearest checkpoint and walks forward through the stored entries.
 */
final class EventHistory {
  static final int CHECKPOINT_EVERY = 64;

  private long[] cpEntry = new long[1024];
  private long[] cpFirstEvent = new long[1024];
  private int size;
  private final Map<Long, BitSet> refused = new HashMap<>();
  private long lastCheckpointEntry = Long.MIN_VALUE;
  private long appliedEntry;
  private long lastEvent;
  /** Events at or below this index happened before the snapshot we started from: not mappable. */
  private long floorEvent;

  /** After a snapshot load: the next entry's first event is {@code lastEventIndex + 1}. */
  synchronized void reset(long lastEntryIndex, long lastEventIndex) {
    size = 0;
    refused.clear();
    lastCheckpointEntry = Long.MIN_VALUE;
    appliedEntry = lastEntryIndex;
    lastEvent = lastEventIndex;
    floorEvent = lastEventIndex;
  }

  /** Called before the proposals of a data entry are applied. */
  synchronized void beginEntry(long entryIndex, long firstEventIndex) {
    if (size == 0 || entryIndex - lastCheckpointEntry >= CHECKPOINT_EVERY) {
      if (size == cpEntry.length) {
        cpEntry = Arrays.copyOf(cpEntry, size * 2);
        cpFirstEvent = Arrays.copyOf(cpFirstEvent, size * 2);
      }
      cpEntry[size] = entryIndex;
      cpFirstEvent[size] = firstEventIndex;
      size++;
      lastCheckpointEntry = entryIndex;
    }
  }

  synchronized void refused(long entryIndex, int proposal) {
    refused.computeIfAbsent(entryIndex, k -> new BitSet()).set(proposal);
  }

  synchronized void endEntry(long entryIndex, long lastEventIndex) {
    appliedEntry = entryIndex;
    lastEvent = lastEventIndex;
  }

  List<Event> read(LogStorage storage, long from, int max) {
    long startEntry;
    long eventIdx;
    long upToEntry;
    long upToEvent;
    synchronized (this) {
      upToEntry = appliedEntry;
      upToEvent = lastEvent;
      if (from > upToEvent || max <= 0) return List.of();
      int k = floor(from);
      if (k < 0) throw gone(storage);
      startEntry = cpEntry[k];
      eventIdx = cpFirstEvent[k];
    }
    List<Event> out = new ArrayList<>(Math.min(max, 1024));
    for (long e = startEntry; e <= upToEntry && eventIdx <= upToEvent && out.size() < max; e++) {
      com.alipay.sofa.jraft.entity.LogEntry entry = storage.getEntry(e);
      if (entry == null) throw gone(storage);
      if (entry.getType() != EnumOutter.EntryType.ENTRY_TYPE_DATA) continue;
      LogEntry decoded;
      try {
        decoded = LogEntry.parseFrom(entry.getData().duplicate());
      } catch (InvalidProtocolBufferException ex) {
        throw new IllegalStateException("log entry " + e + " is not a upone entry", ex);
      }
      BitSet refusedHere;
      synchronized (this) {
        refusedHere = refused.get(e);
      }
      long term = entry.getId().getTerm();
      for (int p = 0; p < decoded.getProposalsCount(); p++) {
        if (refusedHere != null && refusedHere.get(p)) continue;
        Proposal proposal = decoded.getProposals(p);
        for (Event ev : proposal.getEventsList()) {
          if (eventIdx >= from && eventIdx <= upToEvent && out.size() < max) {
            out.add(ev.toBuilder().setIndex(eventIdx).setTerm(term).setEntryIndex(e).build());
          }
          eventIdx++;
        }
      }
    }
    return out;
  }

  /** The index of the last checkpoint whose first event is at or before {@code from}, or -1. */
  private int floor(long from) {
    if (from <= floorEvent) return -1;
    int lo = 0;
    int hi = size - 1;
    int best = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (cpFirstEvent[mid] <= from) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  private synchronized Problem.Failure gone(LogStorage storage) {
    long first = storage.getFirstLogIndex();
    long earliest = lastEvent + 1;
    for (int i = 0; i < size; i++) {
      if (cpEntry[i] >= first) {
        earliest = cpFirstEvent[i];
        break;
      }
    }
    return new Problem(Problem.Kind.GONE, "events_compacted",
        "events before index " + earliest + " were compacted into a snapshot; read from " + earliest + " on",
        List.of(new io.upone.core.FieldError("from", "must be at least " + earliest))).asFailure();
  }
}
