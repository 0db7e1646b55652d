package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One membership change at a time. The member being added here answers HTTP like a node that
 * never applies anything (its raft endpoint has no raft behind it), so the leader keeps it a
 * learner in {@code catching_up}: other changes are refused until it is removed.
 */
class MembersSafetyTest {
  @TempDir Path dir;
  TestNode node;
  HttpServer stuck;

  @AfterEach
  void stop() throws Exception {
    if (stuck != null) stuck.stop(0);
    if (node != null) node.close();
  }

  @Test
  void aChangeInProgressBlocksOthersUntilItsMemberIsRemoved() throws Exception {
    node = TestNode.single(dir).startReady();
    String raft = "127.0.0.1:" + TestNode.freePort();
    stuck = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stuck.createContext("/v1/cluster", ex -> {
      byte[] b = new JsonObject().put("self", new JsonObject().put("raft", raft)).put("appliedIndex", 0).encode()
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    stuck.start();
    String http = "http://127.0.0.1:" + stuck.getAddress().getPort();

    TestNode.Resp mismatch = node.post("/v1/cluster/members", "{\"raft\": \"127.0.0.1:1\", \"http\": \"" + http + "\"}");
    assertEquals(409, mismatch.status(), mismatch.body());
    assertEquals("member_mismatch", mismatch.json().getString("code"));

    TestNode.Resp adding = node.post("/v1/cluster/members", "{\"raft\": \"" + raft + "\", \"http\": \"" + http + "\"}");
    assertEquals(202, adding.status(), adding.body());
    TestNode.await("the member is a learner catching up", Duration.ofSeconds(30), () -> {
      JsonObject ms = node.get("/v1/cluster/members").json();
      return "catching_up".equals(ms.getJsonObject("change").getString("stage"))
          && ms.getJsonArray("members").encode().contains("\"learner\"");
    });
    assertEquals(http, node.server.log().state().memberUrl(raft).orElseThrow(), "its URL is in the log");

    TestNode.Resp second = node.post("/v1/cluster/members", "{\"raft\": \"127.0.0.1:2\", \"http\": \"http://127.0.0.1:3\"}");
    assertEquals(409, second.status());
    assertEquals("change_in_progress", second.json().getString("code"));
    TestNode.Resp leader = node.post("/v1/cluster/leader", "{\"raft\": \"" + raft + "\"}");
    assertEquals("not_a_voter", leader.json().getString("code"), "a learner cannot lead");
    TestNode.Resp last = node.delete("/v1/cluster/members/" + node.config.self().raftEndpoint());
    assertEquals(409, last.status(), last.body());

    // removing the member of the change cancels it
    TestNode.Resp removed = node.delete("/v1/cluster/members/" + raft);
    assertEquals(200, removed.status(), removed.body());
    JsonObject ms = node.get("/v1/cluster/members").json();
    assertEquals(1, ms.getJsonArray("members").size(), ms.encode());
    assertEquals("done", ms.getJsonObject("change").getString("stage"));
    assertTrue(node.server.log().state().memberUrl(raft).isEmpty(), "its URL is forgotten");
    TestNode.Resp again = node.post("/v1/cluster/members", "{\"raft\": \"127.0.0.1:2\", \"http\": \"http://127.0.0.1:" + TestNode.freePort() + "\"}");
    assertEquals("member_unreachable", again.json().getString("code"), "no change in progress any more: checked, refused");
  }
}
