package io.upone.eventlog;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Changes to who is in the raft group, through SOFAJRaft's configuration-change API on this
 * member. Every change except {@link #members()} must run on the leader; the caller decides
 * whether a change is safe (see the server's members API), this class only carries it out.
 */
public final class RaftMembership {
  private final Node node;

  RaftMembership(Node node) {
    this.node = node;
  }

  /**
   * The group as this member knows it (any member). {@code alive} is only known on the leader
   * (the members it heard from within an election timeout); elsewhere it is empty.
   */
  public record Members(List<String> voters, List<String> learners, Set<String> alive, boolean fromLeader) {}

  public Members members() {
    Configuration conf = node instanceof NodeImpl impl ? impl.getCurrentConf() : new Configuration();
    List<String> voters = conf.listPeers().stream().map(RaftMembership::endpoint).toList();
    List<String> learners = conf.listLearners().stream().map(RaftMembership::endpoint).toList();
    if (!node.isLeader()) return new Members(voters, learners, Set.of(), false);
    try {
      Set<String> alive = node.listAlivePeers().stream().map(RaftMembership::endpoint).collect(Collectors.toSet());
      node.listAliveLearners().forEach(p -> alive.add(endpoint(p)));
      return new Members(voters, learners, Set.copyOf(alive), true);
    } catch (IllegalStateException lostLeadership) {
      return new Members(voters, learners, Set.of(), false);
    }
  }

  /** Adds a non-voting member; the leader starts replicating to it at once. */
  public CompletableFuture<Void> addLearner(String endpoint) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    node.addLearners(List.of(peer(endpoint)), st -> complete(done, st, "adding learner " + endpoint));
    return done;
  }

  /**
   * Turns a learner into a voter: it stops being a learner, then is added as a voter (SOFAJRaft
   * lets the new voter catch up before the joint configuration is committed). A member that
   * is no learner is added as a voter directly.
   */
  public CompletableFuture<Void> promote(String endpoint) {
    PeerId p = peer(endpoint);
    CompletableFuture<Void> asLearnerGone = new CompletableFuture<>();
    if (members().learners().contains(endpoint)) {
      node.removeLearners(List.of(p), st -> complete(asLearnerGone, st, "ending learner " + endpoint));
    } else {
      asLearnerGone.complete(null);
    }
    return asLearnerGone.thenCompose(v -> {
      CompletableFuture<Void> added = new CompletableFuture<>();
      node.addPeer(p, st -> complete(added, st, "adding voter " + endpoint));
      return added;
    });
  }

  /** Removes a voter or a learner. */
  public CompletableFuture<Void> remove(String endpoint) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    PeerId p = peer(endpoint);
    if (members().learners().contains(endpoint)) {
      node.removeLearners(List.of(p), st -> complete(done, st, "removing learner " + endpoint));
    } else {
      node.removePeer(p, st -> complete(done, st, "removing voter " + endpoint));
    }
    return done;
  }

  /** Asks this leader to hand leadership to a voter; the handover itself follows within an election timeout. */
  public void transferLeadership(String endpoint) {
    Status st = node.transferLeadershipTo(peer(endpoint));
    if (!st.isOk()) throw new IllegalStateException("transferring leadership to " + endpoint + ": " + st.getErrorMsg());
  }

  private static void complete(CompletableFuture<Void> f, Status st, String what) {
    if (st.isOk()) f.complete(null);
    else f.completeExceptionally(new IllegalStateException(what + ": " + st.getErrorMsg()));
  }

  static PeerId peer(String endpoint) {
    PeerId p = new PeerId();
    if (!p.parse(endpoint)) throw new IllegalArgumentException("not a raft endpoint (host:port): " + endpoint);
    return p;
  }

  private static String endpoint(PeerId p) {
    return p.getEndpoint().toString();
  }
}
