package io.upone.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreeNodeGroupTest {
  @TempDir Path dir;
  private final RaftEventLog[] nodes = new RaftEventLog[3];
  private final List<String> peers = new ArrayList<>();

  private RaftEventLog startNode(int i) {
    RaftConfig c = RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers).withSnapshotEvery(0);
    nodes[i] = RaftEventLog.start(c);
    return nodes[i];
  }

  @AfterEach
  void stop() {
    for (RaftEventLog n : nodes) if (n != null) n.close();
  }

  private RaftEventLog awaitLeader(List<Integer> among) throws InterruptedException {
    RaftEventLog[] found = new RaftEventLog[1];
    TestEvents.await("a leader", Duration.ofSeconds(30), () -> {
      for (int i : among) {
        if (nodes[i] != null && nodes[i].isLeader()) {
          found[0] = nodes[i];
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private static void appendAll(RaftEventLog leader, String prefix, int n) {
    List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) fs.add(leader.append(TestEvents.app("/" + prefix + "-" + i, i)));
    fs.forEach(CompletableFuture::join);
  }

  @Test
  void appendsReachAllMembersAndSurviveLeaderLoss() throws Exception {
    for (int i = 0; i < 3; i++) peers.add("127.0.0.1:" + TestEvents.freePort());
    for (int i = 0; i < 3; i++) startNode(i);
    RaftEventLog leader = awaitLeader(List.of(0, 1, 2));

    appendAll(leader, "first", 200);
    String hash = leader.state().hash();
    for (RaftEventLog n : nodes) {
      TestEvents.await("replication", Duration.ofSeconds(20), () -> n.state().appCount() == 200);
      assertEquals(hash, n.state().hash(), "every member projects the same state");
    }

    // a follower refuses writes and names the leader
    RaftEventLog follower = java.util.Arrays.stream(nodes).filter(n -> !n.isLeader()).findFirst().orElseThrow();

    // members compared at one event index agree; a consistent read on a follower sees the last write
    long at = leader.append(TestEvents.app("/last", 1)).join().get(0).getIndex();
    assertTrue(follower.consistentView().join().app("/last").isPresent());
    String hashAt = leader.viewAt(at).orElseThrow().hash();
    for (RaftEventLog n : nodes) {
      TestEvents.await("event " + at, Duration.ofSeconds(20), () -> n.viewAt(at).isPresent());
      assertEquals(hashAt, n.viewAt(at).orElseThrow().hash());
    }
    CompletionException ex = assertThrows(CompletionException.class,
        () -> follower.append(TestEvents.app("/nope", 1)).join());
    Problem.Failure f = assertInstanceOf(Problem.Failure.class, ex.getCause());
    assertEquals("not_leader", f.problem().code());
    assertEquals(leader.config().self(), follower.leaderEndpoint().orElseThrow());

    // stop the leader: a new one is elected among the others, appends continue
    int old = java.util.Arrays.asList(nodes).indexOf(leader);
    leader.close();
    nodes[old] = null;
    List<Integer> rest = new ArrayList<>(List.of(0, 1, 2));
    rest.remove(Integer.valueOf(old));
    RaftEventLog next = awaitLeader(rest);
    assertNotEquals(leader.config().self(), next.config().self());
    appendAll(next, "second", 100);
    assertEquals(301, next.state().appCount(), "nothing committed before the failover is lost");
    List<Event> all = next.read(1, 1000);
    assertEquals(301, all.size());
    for (int i = 0; i < all.size(); i++) assertEquals(i + 1, all.get(i).getIndex());

    // the old leader comes back as a follower and catches up
    RaftEventLog back = startNode(old);
    TestEvents.await("catch-up", Duration.ofSeconds(30), () -> back.state().appCount() == 301);
    assertEquals(next.state().hash(), back.state().hash());
    assertTrue(back.cluster().members().size() == 3);
  }
}
