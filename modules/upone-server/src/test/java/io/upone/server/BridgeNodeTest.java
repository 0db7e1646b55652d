package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SockJS bridge from Node with the npm clients a monitoring tool would use
 * ({@code @vertx/eventbus-bridge-client.js} 1.0.0 over {@code sockjs-client} 1.6.1), driven by
 * {@code src/test/node/bridge/bridge.test.mjs}: replay from an index then live (counted), refused
 * send/publish/foreign register/missing token, frames not JSON or over the size limit, a live
 * registration; the script says which SockJS transport it used (WebSocket when the server allows it). Skipped with a message when
 * {@code node} or the packages are missing, except under CI, where .ci/run installs both.
 */
class BridgeNodeTest {
  /** Under the WebSocket frame limit of the HTTP server (64 KiB), so the bridge's own limit is what refuses. */
  static final int MAX_FRAME = 4096;
  static final Path SCRIPT_DIR = Path.of("src", "test", "node", "bridge").toAbsolutePath();
  @TempDir Path dir;

  @Test
  void nodeClientReplaysThenLiveAndIsRefusedInbound() throws Exception {
    boolean ready = onPath("node") && Files.isDirectory(SCRIPT_DIR.resolve("node_modules/@vertx/eventbus-bridge-client.js"))
        && Files.isDirectory(SCRIPT_DIR.resolve("node_modules/sockjs-client"));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(ready, "SKIPPED: needs `node` and `npm ci` in " + SCRIPT_DIR);
    } else {
      assertTrue(ready, "CI must install node and run `npm ci` in " + SCRIPT_DIR);
    }
    String token = "node-test-token";
    ServerConfig cfg = ServerConfig.single(dir, TestNode.freePort(), TestNode.freePort())
        .withBridge(BridgeConfig.defaults().withToken(token).withLimits(MAX_FRAME, BridgeConfig.DEFAULT_MAX_QUEUE, 10_000));
    try (TestNode node = new TestNode(cfg).startReady()) {
      long history = 0;
      for (int i = 0; i < 15; i++) history = BridgeEvents.append(node.server.log(), 100, 10);
      long from = history - 1200;
      ProcessBuilder pb = new ProcessBuilder("node", "bridge.test.mjs", node.url() + "/eventbus", token, String.valueOf(from))
          .directory(SCRIPT_DIR.toFile());
      pb.environment().put("BRIDGE_MAX_FRAME", String.valueOf(MAX_FRAME));
      ScriptedProcess.Result run = ScriptedProcess.run(pb, 60, line -> {
        if (line.startsWith("REPLAYING")) {
          long last = 0;
          for (int i = 0; i < 10; i++) last = BridgeEvents.append(node.server.log(), 30, 10); // live, while it replays
          return "LAST " + last;
        }
        if (line.equals("LIVE-READY")) {
          assertEquals(201, node.post("/v1/apps", "{\"id\": \"/node/live\", \"cmd\": \"sleep 1\", \"instances\": 0}").status());
          return "APP /node/live";
        }
        return null;
      });
      List<String> out = run.out();
      String log = run.log();
      assertEquals(0, run.exit(), log);
      // the script counted: every index from `from` to the last written, once, in order
      assertTrue(out.stream().anyMatch(l -> l.startsWith("PASS replayed+live ")), log);
      assertTrue(out.contains("TRANSPORT websocket"), "sockjs-client got a WebSocket: " + log);
      System.out.println("BridgeNodeTest:\n" + log);
    }
  }

  static boolean onPath(String exe) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, exe))) return true;
    }
    return false;
  }
}
