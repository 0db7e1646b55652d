package io.upone.eventlog;

import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.upone.core.EventFormat;
import io.upone.core.Problem;
import io.upone.core.proto.LogEntry;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Backup and restore of one raft member's data, without the member running the group: a backup
 * is the latest snapshot plus the log entries after it ({@link BackupFile}); a restore replays
 * them into the projection and writes a fresh member that starts from that state as a snapshot.
 */
public final class Backup {
  private Backup() {}

  /**
   * What a backup holds.
   *
   * @param lastEntryIndex the raft index the backup reaches (snapshot or tail)
   * @param stateHash      {@link State#hash()} of the projection at that index
   */
  public record Summary(long snapshotEntryIndex, long tailEntries, long lastEntryIndex, long lastTerm,
                        long lastEventIndex, String stateHash, int apps, int jobs, int tasks) {}

  /**
   * Writes a backup of the member whose raft data dir is {@code raftDir} to {@code out}. Works
   * on a stopped member and on a running one (the log is opened read-only); on a running one it
   * holds what the member had written when the backup started, which may include entries the
   * group had not committed yet. Taking a snapshot first ({@code POST /v1/cluster/snapshot})
   * keeps the tail short.
   */
  public static Summary write(Path raftDir, Path out) throws IOException {
    RaftFiles files = new RaftFiles(raftDir);
    if (!Files.isDirectory(files.log()) && files.latestSnapshot().isEmpty()) {
      throw new IOException(raftDir + " holds no raft member (no log/ and no snapshot/)");
    }
    Optional<Path> snapDir = files.latestSnapshot();
    long snapIndex = 0;
    long snapTerm = 0;
    byte[] snapshot = new byte[0];
    if (snapDir.isPresent()) {
      SnapshotMeta meta = RaftFiles.snapshotMeta(snapDir.get());
      snapIndex = meta.getLastIncludedIndex();
      snapTerm = meta.getLastIncludedTerm();
      snapshot = Files.readAllBytes(snapDir.get().resolve(ProjectionStateMachine.SNAPSHOT_FILE));
    }
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    Replay replay = new Replay();
    replay.snapshot(snapIndex, snapTerm, snapshot);
    try (BackupFile.Writer w = new BackupFile.Writer(partial, snapIndex, snapTerm, snapshot)) {
      files.readLog(snapIndex + 1, e -> {
        if (e.data()) {
          w.entry(e.index(), e.term(), e.bytes());
          replay.entry(e.index(), e.term(), e.bytes());
        }
        replay.lastIndex = e.index();
        replay.lastTerm = e.term();
      });
      w.finish(replay.lastIndex, replay.lastTerm);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return replay.summary();
  }

  /** Checks a backup file and replays it in memory: what a restore would bring back. */
  public static Summary inspect(Path in) throws IOException {
    Replay replay = new Replay();
    BackupFile.read(in, replay);
    return replay.summary();
  }

  /**
   * Restores {@code in} into {@code raftDir}, which must hold no member yet. The member that
   * starts there is part of a group of {@code peers} (raft endpoints; usually just itself) and
   * begins from the backup's state; other members join it later.
   */
  public static Summary restore(Path in, Path raftDir, List<String> peers) throws IOException {
    if (peers.isEmpty()) throw new IllegalArgumentException("restore needs the raft endpoint(s) of the new group");
    RaftFiles files = new RaftFiles(raftDir);
    if (!files.isEmpty()) {
      throw new IOException(raftDir + " already holds a raft member; restore only into an empty data dir");
    }
    Replay replay = new Replay();
    BackupFile.read(in, replay);
    files.writeRestoredMember(replay.lastIndex, replay.lastTerm, replay.state.snapshot().toByteArray(), peers);
    return replay.summary();
  }

  /** Applies a backup to a projection as {@link ProjectionStateMachine#onApply} applies the log. */
  private static final class Replay implements BackupFile.Visitor {
    State state = new State();
    long snapIndex;
    long tail;
    long lastIndex;
    long lastTerm;

    @Override
    public void snapshot(long index, long term, byte[] snapshot) throws IOException {
      snapIndex = index;
      lastIndex = index;
      lastTerm = term;
      if (snapshot.length > 0) {
        CodedInputStream in = CodedInputStream.newInstance(snapshot);
        in.setSizeLimit(Integer.MAX_VALUE);
        StateSnapshot snap = StateSnapshot.parseFrom(in);
        if (EventFormat.of(snap) > EventFormat.CURRENT) {
          throw new IOException(EventFormat.tooNew("the backup's snapshot", EventFormat.of(snap), EventFormat.CURRENT));
        }
        state = State.restore(snap);
      }
    }

    @Override
    public void entry(long index, long term, byte[] data) throws IOException {
      LogEntry entry;
      try {
        entry = LogEntry.parseFrom(data);
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("raft entry " + index + " is not an upone log entry: " + e.getMessage());
      }
      if (EventFormat.of(entry) > EventFormat.CURRENT) {
        throw new IOException(EventFormat.tooNew("raft entry " + index + " of the backup", EventFormat.of(entry), EventFormat.CURRENT));
      }
      for (Proposal p : entry.getProposalsList()) {
        try {
          state.applyProposal(p, index, term);
        } catch (Problem.Failure refused) {
          // refused when it was first applied too: the projection is deterministic
        }
      }
      state.entryApplied(index, term);
      lastIndex = index;
      lastTerm = term;
      tail++;
    }

    @Override
    public void end(long lastIndex, long lastTerm, long entries) {
      this.lastIndex = lastIndex;
      this.lastTerm = lastTerm;
    }

    Summary summary() {
      return new Summary(snapIndex, tail, lastIndex, lastTerm, state.lastEventIndex(), state.hash(), state.appCount(),
          state.jobs().size(), state.taskCount());
    }
  }
}
