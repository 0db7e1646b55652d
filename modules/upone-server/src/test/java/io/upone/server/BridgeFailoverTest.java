package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge client across a leader failover in a 3-node group: it replays from index 1 on the
 * leader, the leader stops while events keep being written, the client reconnects to another
 * member with the last index it saw, and in the end has every committed event exactly once.
 */
class BridgeFailoverTest {
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    TestNode.closeAll(nodes);
  }

  @Test
  void replayThenLiveAcrossAFailoverWithoutGapOrDuplicate() throws Exception {
    for (ServerConfig c : TestNode.group(dir)) nodes.add(new TestNode(c.withBridge(BridgeConfig.defaults().withTcpPort(0))));
    for (TestNode n : nodes) n.start();
    TestNode first = TestNode.leaderOf(nodes);
    for (int i = 0; i < 3; i++) BridgeEvents.append(first.server.log(), 100, 20);

    // a writer that keeps going through whoever leads
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        try {
          TestNode leader = TestNode.leaderOf(nodes);
          BridgeEvents.append(leader.server.log(), 10, 20);
          written.addAndGet(10);
        } catch (InterruptedException e) {
          return;
        } catch (Exception | AssertionError e) {
          // leadership moved or the node stopped under the write: try again on the next leader
        }
      }
    }, "bridge-test-writer");

    List<Long> seen = new ArrayList<>();
    try {
      followAcrossFailover(first, writer, writing, written, seen);
    } finally {
      writing.set(false);
      writer.interrupt();
      writer.join(60_000);
    }
  }

  private void followAcrossFailover(TestNode first, Thread writer, AtomicBoolean writing, AtomicLong written,
                                    List<Long> seen) throws Exception {
    TestNode stopped;
    try (BridgeWire c = new BridgeWire(first.server.bridgeTcpPort())) {
      c.register("upone.events.replay." + UUID.randomUUID(), new JsonObject().put("from", "1"));
      writer.start();
      readInto(c, seen, 600); // the history and some live events
      stopped = first;
      first.stop();
      // the rest of what was sent before the stop, then the end of the connection
      readInto(c, seen, Long.MAX_VALUE);
    }
    long lastSeen = seen.get(seen.size() - 1);
    TestNode next = TestNode.leaderOf(nodes);
    TestNode other = nodes.stream().filter(n -> n != stopped && n != next).findFirst().orElseThrow();
    long writtenAtFailover = written.get();
    try (BridgeWire c = new BridgeWire(other.server.bridgeTcpPort())) {
      // a follower serves the same events: every member applies every committed event
      c.register("upone.events.replay." + UUID.randomUUID(), new JsonObject().put("from", String.valueOf(lastSeen + 1)));
      TestNode.await("writes under the new leader", Duration.ofSeconds(60), () -> written.get() >= writtenAtFailover + 300);
      writing.set(false);
      writer.join(60_000);
      TestNode.await("the follower applied everything", Duration.ofSeconds(30), () -> other.lastEventIndex() == next.lastEventIndex());
      readInto(c, seen, next.lastEventIndex());
    }
    long last = next.lastEventIndex();
    assertEquals(last, seen.size(), "every committed event counted once");
    for (int i = 0; i < seen.size(); i++) assertEquals(i + 1, seen.get(i), "dense and in order at " + i);
    assertTrue(lastSeen >= 600 && lastSeen < last, "the hand-over happened mid-stream: " + lastSeen + " of " + last);
  }

  /** Reads message frames until the index {@code until} or the end of the connection. */
  private static void readInto(BridgeWire c, List<Long> seen, long until) throws IOException {
    while (seen.isEmpty() || seen.get(seen.size() - 1) < until) {
      JsonObject f;
      try {
        f = c.read();
      } catch (IOException e) {
        if (until == Long.MAX_VALUE) return; // reset by the stopped node
        throw new AssertionError("no frame for 20 s: " + seen.size() + " events read, waiting for " + until, e);
      }
      if (f == null) {
        if (until == Long.MAX_VALUE) return;
        throw new AssertionError("connection ended at " + seen.size());
      }
      assertEquals("message", f.getString("type"), f.encode());
      seen.add(Long.parseLong(f.getJsonObject("body").getString("index")));
    }
  }
}
