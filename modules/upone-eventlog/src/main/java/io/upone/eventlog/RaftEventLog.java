package io.upone.eventlog;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.DefaultJRaftServiceFactory;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.LogStorage;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The event log on SOFAJRaft. One member of a raft group: a single-member group by default, or
 * any odd number of members given as peers. Proposals from many callers are packed into one log
 * entry by {@link Proposer}; the projection is applied by {@link ProjectionStateMachine}.
 */
public final class RaftEventLog implements EventLog {
  private final RaftConfig config;
  private final ProjectionStateMachine fsm;
  private final RaftGroupService group;
  private final Node node;
  private final Proposer proposer;
  private final RaftMembership membership;
  private volatile LogStorage logStorage;

  private RaftEventLog(RaftConfig config) throws IOException {
    this.config = config;
    Files.createDirectories(config.dataDir());
    this.fsm = new ProjectionStateMachine(config.snapshotEveryEvents(), config.readableFormat());

    NodeOptions opts = new NodeOptions();
    opts.setElectionTimeoutMs(config.electionTimeoutMs());
    opts.setFsm(fsm);
    opts.setLogUri(config.dataDir().resolve("log").toString());
    opts.setRaftMetaUri(config.dataDir().resolve("meta").toString());
    opts.setSnapshotUri(config.dataDir().resolve("snapshot").toString());
    // Snapshots are taken every N entries (see ProjectionStateMachine), not on a timer.
    opts.setSnapshotIntervalSecs(0);
    // jraft keeps the entries between the last two snapshots, so /v1/events readers can go back
    // about one snapshot period before the latest snapshot.
    opts.setSharedElectionTimer(true);
    opts.setSharedVoteTimer(true);
    opts.setSharedStepDownTimer(true);
    opts.setSharedSnapshotTimer(true);
    opts.setEnableMetrics(false);
    Configuration conf = new Configuration();
    for (String p : config.peers()) conf.addPeer(peer(p));
    opts.setInitialConf(conf);
    RaftOptions raft = new RaftOptions();
    raft.setSync(config.sync());
    raft.setSyncMeta(config.sync());
    opts.setRaftOptions(raft);
    opts.setServiceFactory(new DefaultJRaftServiceFactory() {
      @Override
      public LogStorage createLogStorage(String uri, RaftOptions raftOptions) {
        LogStorage s = super.createLogStorage(uri, raftOptions);
        logStorage = s;
        return s;
      }
    });

    this.group = new RaftGroupService(config.groupId(), peer(config.self()), opts);
    this.node = group.start();
    fsm.setSnapshotTrigger(() -> node.snapshot(null));
    this.membership = new RaftMembership(node);
    this.proposer = new Proposer(node, config.maxBatchProposals(), config.maxBatchBytes(), config.maxInFlight(),
        this::notLeader);
    proposer.start();
  }

  /** Starts this member; it joins (or forms) the group named by the config. */
  public static RaftEventLog start(RaftConfig config) {
    try {
      return new RaftEventLog(config);
    } catch (IOException e) {
      throw new IllegalStateException("cannot use data dir " + config.dataDir() + ": " + e.getMessage(), e);
    }
  }

  private static PeerId peer(String endpoint) {
    PeerId p = new PeerId();
    if (!p.parse(endpoint)) throw new IllegalArgumentException("not a raft endpoint (host:port): " + endpoint);
    return p;
  }

  private Problem.Failure notLeader() {
    String hint = leaderEndpoint().map(l -> "; the leader is " + l).orElse("; no leader is elected yet");
    return new Problem(Problem.Kind.UNAVAILABLE, "not_leader", "this member is not the leader" + hint, List.of())
        .asFailure();
  }

  @Override
  public CompletableFuture<List<Event>> append(Proposal proposal) {
    if (!fsm.isLeader()) return CompletableFuture.failedFuture(notLeader());
    return proposer.submit(proposal);
  }

  @Override
  public State view() {
    return fsm.view();
  }

  @Override
  public Optional<State> viewAt(long eventIndex) {
    return fsm.views().at(eventIndex);
  }

  @Override
  public CompletableFuture<State> consistentView() {
    CompletableFuture<State> out = new CompletableFuture<>();
    node.readIndex(new byte[0], new com.alipay.sofa.jraft.closure.ReadIndexClosure() {
      @Override
      public void run(com.alipay.sofa.jraft.Status status, long index, byte[] ctx) {
        // called once this member has applied the read index: the latest view covers it
        if (status.isOk()) out.complete(fsm.view());
        else out.completeExceptionally(new Problem(Problem.Kind.UNAVAILABLE, "no_consistent_read",
            "no leader confirmed the read: " + status.getErrorMsg(), List.of()).asFailure());
      }
    });
    return out;
  }

  @Override
  public List<Event> read(long from, int max) {
    if (from < 1) throw Problem.invalid("from", "must be at least 1").asFailure();
    return fsm.history.read(logStorage, from, max);
  }

  @Override
  public AutoCloseable onCommitted(Consumer<List<Event>> listener) {
    fsm.committedListeners.add(listener);
    return () -> fsm.committedListeners.remove(listener);
  }

  @Override
  public AutoCloseable onLeadership(Consumer<Leadership> listener) {
    fsm.leadershipListeners.add(listener);
    return () -> fsm.leadershipListeners.remove(listener);
  }

  @Override
  public boolean isLeader() {
    return fsm.isLeader();
  }

  @Override
  public Optional<String> leaderEndpoint() {
    PeerId leader = node.getLeaderId();
    if (leader == null || leader.isEmpty()) return Optional.empty();
    return Optional.of(leader.getEndpoint().toString());
  }

  @Override
  public ClusterView cluster() {
    State s = fsm.view();
    String role = fsm.isLeader() ? "leader" : node.getNodeState().name().replace("STATE_", "").toLowerCase();
    return new ClusterView(config.self(), config.peers(), leaderEndpoint().orElse(""),
        currentTerm(s), node.getLastCommittedIndex(), node.getLastAppliedLogIndex(),
        s.lastEventIndex(), role);
  }

  /** The member's current raft term (followers too), not only the term of the last applied entry. */
  private long currentTerm(State s) {
    return Math.max(Math.max(fsm.leaderTerm(), fsm.followingTerm()), s.lastTerm());
  }

  /** Waits until a leader is known and this member has applied everything committed so far. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (leaderEndpoint().isPresent() && node.getLastAppliedLogIndex() >= node.getLastCommittedIndex()
          && (!fsm.isLeader() || node.getLastAppliedLogIndex() >= node.getLastLogIndex())) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Takes a snapshot now and waits for it (tests and operators). */
  public void snapshotNow() {
    takeSnapshot().join();
  }

  /**
   * Takes a snapshot of this member now (not of the others); completes with the event index it
   * covers. With nothing applied since the latest snapshot, that one stands.
   */
  public CompletableFuture<Long> takeSnapshot() {
    CompletableFuture<Long> done = new CompletableFuture<>();
    node.snapshot(status -> {
      if (status.isOk()) done.complete(fsm.snapshotEventIndex());
      else done.completeExceptionally(new IllegalStateException(status.toString()));
    });
    return done;
  }

  /** Who is in the group, and changes to it (on the leader). */
  public RaftMembership membership() {
    return membership;
  }

  @Override
  public Optional<String> halted() {
    return Optional.ofNullable(fsm.halted());
  }

  /** Tests: the state machine, for its apply probe. */
  ProjectionStateMachine fsm() {
    return fsm;
  }

  public RaftConfig config() {
    return config;
  }

  @Override
  public void close() {
    proposer.stop();
    group.shutdown();
    try {
      group.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
