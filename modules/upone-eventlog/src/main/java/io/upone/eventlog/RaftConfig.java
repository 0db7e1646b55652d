package io.upone.eventlog;

import io.upone.core.EventFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * How one member of the raft group runs.
 *
 * @param self                 this member's raft endpoint, {@code host:port}
 * @param peers                all members' endpoints (including self); a single entry = one-node group
 * @param maxBatchProposals    proposals packed into one log entry at most (1 = one per entry)
 * @param snapshotEveryEvents take a snapshot of the projection after this many applied events (0 = never)
 * @param sync                 fsync the log on every write (turn off only in benchmarks that say so)
 * @param readableFormat       newest event format this member applies ({@link EventFormat#CURRENT}; lower
 *                             only to make it behave like an older build, in tests of upgrades)
 */
public record RaftConfig(String groupId, Path dataDir, String self, List<String> peers, int electionTimeoutMs,
                         int maxBatchProposals, int maxBatchBytes, long snapshotEveryEvents, int maxInFlight,
                         boolean sync, int readableFormat) {

  public RaftConfig(String groupId, Path dataDir, String self, List<String> peers, int electionTimeoutMs,
                    int maxBatchProposals, int maxBatchBytes, long snapshotEveryEvents, int maxInFlight, boolean sync) {
    this(groupId, dataDir, self, peers, electionTimeoutMs, maxBatchProposals, maxBatchBytes, snapshotEveryEvents,
        maxInFlight, sync, EventFormat.CURRENT);
  }

  public RaftConfig withReadableFormat(int format) {
    return new RaftConfig(groupId, dataDir, self, peers, electionTimeoutMs, maxBatchProposals, maxBatchBytes,
        snapshotEveryEvents, maxInFlight, sync, format);
  }

  public static RaftConfig single(Path dataDir, String self) {
    return new RaftConfig("upone", dataDir, self, List.of(self), 1000, 4096, 4 << 20, 100_000, 4096, true);
  }

  public RaftConfig withPeers(List<String> newPeers) {
    return new RaftConfig(groupId, dataDir, self, List.copyOf(newPeers), electionTimeoutMs, maxBatchProposals,
        maxBatchBytes, snapshotEveryEvents, maxInFlight, sync, readableFormat);
  }

  public RaftConfig withBatch(int proposals) {
    return new RaftConfig(groupId, dataDir, self, peers, electionTimeoutMs, proposals, maxBatchBytes,
        snapshotEveryEvents, maxInFlight, sync, readableFormat);
  }

  public RaftConfig withSnapshotEvery(long entries) {
    return new RaftConfig(groupId, dataDir, self, peers, electionTimeoutMs, maxBatchProposals, maxBatchBytes,
        entries, maxInFlight, sync, readableFormat);
  }

  public RaftConfig withElectionTimeout(int ms) {
    return new RaftConfig(groupId, dataDir, self, peers, ms, maxBatchProposals, maxBatchBytes,
        snapshotEveryEvents, maxInFlight, sync, readableFormat);
  }
}
