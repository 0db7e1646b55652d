package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes on loopback: any node takes writes (followers forward), the leader can be lost. */
class ThreeNodeApiTest {
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    TestNode.closeAll(nodes);
  }

  private TestNode leader() throws InterruptedException {
    return TestNode.leaderOf(nodes);
  }

  @Test
  void followersForwardWritesAndLeaderLossLosesNothing() throws Exception {
    for (ServerConfig c : TestNode.group(dir)) nodes.add(new TestNode(c));
    for (TestNode n : nodes) n.start();
    TestNode leader = leader();
    for (TestNode n : nodes) TestNode.await("ready", Duration.ofSeconds(30), () -> n.get("/health").status() == 200);
    TestNode follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

    // a write sent to a follower is forwarded to the leader and answered as usual
    TestNode.Resp r = follower.post("/v1/apps", "{\"id\": \"/ha/one\", \"cmd\": \"sleep 1\"}");
    assertEquals(201, r.status(), r.body());
    assertEquals("/v1/apps/ha/one", r.header("Location"));
    TestNode.Resp conflict = follower.post("/v1/apps", "{\"id\": \"/ha/one\", \"cmd\": \"sleep 1\"}");
    assertEquals(409, conflict.status());
    assertEquals("app_exists", conflict.json().getString("code"));
    long lastIndex = 0;
    for (int i = 0; i < 20; i++) {
      TestNode n = nodes.get(i % 3);
      TestNode.Resp w = n.post("/v1/apps", "{\"id\": \"/ha/app-" + i + "\", \"cmd\": \"sleep 1\"}");
      assertEquals(201, w.status());
      lastIndex = Long.parseLong(w.header("X-Upone-Event-Index"));
    }
    // a consistent read on a follower sees every write acknowledged before it, and names its view
    TestNode other = nodes.stream().filter(n -> n != leader && n != follower).findFirst().orElseThrow();
    TestNode.Resp read = other.get("/v1/apps/ha/app-19?consistent=true");
    assertEquals(200, read.status(), read.body());
    assertTrue(Long.parseLong(read.header("X-Upone-State-Index")) >= lastIndex);
    // members compared at one event index hold the same state
    long at = lastIndex;
    String hash = leader.get("/v1/cluster/state-hash?index=" + at).json().getString("hash");
    for (TestNode n : nodes) {
      TestNode.await("event " + at + " on " + n.url(), Duration.ofSeconds(20),
          () -> n.get("/v1/cluster/state-hash?index=" + at).status() == 200);
      assertEquals(hash, n.get("/v1/cluster/state-hash?index=" + at).json().getString("hash"));
    }
    assertEquals(409, leader.get("/v1/cluster/state-hash?index=" + (at + 1000)).status());
    assertEquals(400, leader.get("/v1/cluster/state-hash?index=x").status());
    for (TestNode n : nodes) {
      TestNode.await("replication to " + n.url(), Duration.ofSeconds(20),
          () -> n.get("/v1/apps").json().getJsonArray("apps").size() == 21);
    }
    JsonObject cluster = follower.get("/v1/cluster").json();
    assertEquals(leader.config.self().raftEndpoint(), cluster.getJsonObject("leader").getString("raft"));
    assertEquals(3, cluster.getJsonArray("members").size());

    // lose the leader: the other two elect a new one and keep taking writes
    leader.stop();
    TestNode next = leader();
    assertNotEquals(leader, next);
    TestNode survivor = nodes.stream().filter(n -> n.server != null && n != next).findFirst().orElseThrow();
    TestNode.await("a write accepted after failover", Duration.ofSeconds(30), () -> {
      TestNode.Resp w = survivor.post("/v1/apps", "{\"id\": \"/ha/after\", \"cmd\": \"sleep 1\"}");
      return w.status() == 201 || w.status() == 409; // 409: an earlier try did commit
    });
    assertEquals(22, next.get("/v1/apps").json().getJsonArray("apps").size(), "nothing committed was lost");

    // the old leader rejoins as a follower and catches up
    leader.start();
    TestNode.await("catch-up", Duration.ofSeconds(30),
        () -> leader.get("/v1/apps").json().getJsonArray("apps").size() == 22);
    assertEquals(next.server.log().state().hash(), leader.server.log().state().hash());
    // every member reports the current term, followers included
    long term = next.get("/v1/cluster").json().getLong("term");
    for (TestNode n : nodes) {
      TestNode.await("term on " + n.url(), Duration.ofSeconds(10), () -> n.get("/v1/cluster").json().getLong("term") == term);
    }
  }
}
