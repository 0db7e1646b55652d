package io.upone.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.EventFormat;
import io.upone.core.proto.Event;
import io.upone.core.proto.MemberAddressed;
import io.upone.core.proto.Proposal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade in one JVM: a member started with {@code readableFormat} 1 behaves like the
 * build before {@code MemberAddressed}. It follows the log as long as the leader writes what it
 * understands; the first entry of a newer format stops it (with a message that says so) instead
 * of letting it apply part of the entry; upgraded (restarted at the current format) it catches
 * up to the same state as the others.
 */
class FormatUpgradeTest {
  @TempDir Path dir;
  private final RaftEventLog[] nodes = new RaftEventLog[3];
  private final List<String> peers = new ArrayList<>();

  @AfterEach
  void stop() {
    for (RaftEventLog n : nodes) if (n != null) n.close();
  }

  private RaftEventLog start(int i, int readable) {
    nodes[i] = RaftEventLog.start(RaftConfig.single(dir.resolve("n" + i), peers.get(i)).withPeers(peers)
        .withSnapshotEvery(0).withReadableFormat(readable));
    return nodes[i];
  }

  private RaftEventLog leader() throws InterruptedException {
    RaftEventLog[] found = new RaftEventLog[1];
    TestEvents.await("a leader", Duration.ofSeconds(30), () -> {
      for (RaftEventLog n : nodes) {
        if (n != null && n.isLeader()) {
          found[0] = n;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private static Proposal member(String raft, String http) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(1)
        .setMemberAddressed(MemberAddressed.newBuilder().setRaftEndpoint(raft).setHttpUrl(http))).build();
  }

  @Test
  void anOlderMemberStopsAtANewerEntryAndCatchesUpOnceUpgraded() throws Exception {
    for (int i = 0; i < 3; i++) peers.add("127.0.0.1:" + TestEvents.freePort());
    for (int i = 0; i < 3; i++) start(i, EventFormat.CURRENT);
    RaftEventLog leader = leader();
    int old = nodes[0] == leader ? 1 : 0;
    // the follower goes back to the older build
    nodes[old].close();
    start(old, 1);
    for (int a = 0; a < 10; a++) leader.append(TestEvents.app("/before-" + a, a)).join();
    TestEvents.await("the older member follows format-1 entries", Duration.ofSeconds(20),
        () -> nodes[old].state().appCount() == 10);
    long before = nodes[old].state().lastEventIndex();

    // a newer event: the entry says format 2; the older member stops before it
    leader.append(member("127.0.0.1:1", "http://127.0.0.1:2")).join();
    for (int a = 0; a < 10; a++) leader.append(TestEvents.app("/after-" + a, a)).join();
    TestEvents.await("the older member refuses the newer entry", Duration.ofSeconds(20), () -> nodes[old].halted().isPresent());
    String why = nodes[old].halted().orElseThrow();
    assertTrue(why.contains("needs event format 2") && why.contains("reads formats up to 1") && why.contains("Upgrade"), why);
    assertEquals(before, nodes[old].state().lastEventIndex(), "nothing of the newer entry was applied");
    assertTrue(nodes[old].state().memberUrls().isEmpty());
    assertEquals(20, leader.state().appCount(), "the members that read format 2 go on");

    // upgraded: the same data dir at the current format applies what it had refused
    nodes[old].close();
    RaftEventLog upgraded = start(old, EventFormat.CURRENT);
    TestEvents.await("the upgraded member catches up", Duration.ofSeconds(30),
        () -> upgraded.state().lastEventIndex() == leader.state().lastEventIndex());
    assertEquals(leader.state().hash(), upgraded.state().hash());
    assertEquals("http://127.0.0.1:2", upgraded.state().memberUrl("127.0.0.1:1").orElseThrow());
    assertTrue(upgraded.halted().isEmpty());
  }

  @Test
  void anOlderBuildRefusesASnapshotHoldingNewerState() throws Exception {
    peers.add("127.0.0.1:" + TestEvents.freePort());
    RaftEventLog n = start(0, EventFormat.CURRENT);
    assertTrue(n.awaitReady(Duration.ofSeconds(20)));
    TestEvents.await("leadership", Duration.ofSeconds(20), n::isLeader);
    n.append(member("127.0.0.1:1", "http://127.0.0.1:2")).join();
    n.snapshotNow();
    n.close();
    nodes[0] = null;
    RaftEventLog older;
    try {
      older = start(0, 1);
    } catch (RuntimeException refusedToStart) {
      return; // refusing to start at all is a refusal too
    }
    TestEvents.await("the snapshot is refused", Duration.ofSeconds(20), () -> older.halted().isPresent());
    assertTrue(older.halted().get().contains("snapshot"), older.halted().get());
    assertTrue(older.state().memberUrls().isEmpty(), "it did not load a state it cannot hold");
  }
}
