package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TCP event bus bridge of one real node, from a raw frame client: replay then live, refusals, limits. */
class BridgeTest {
  static final String TOKEN = "bridge-test-token";
  static final int MAX_FRAME = 4096;
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    ServerConfig cfg = ServerConfig.single(dir, TestNode.freePort(), TestNode.freePort())
        .withBridge(BridgeConfig.defaults().withTcpPort(0).withToken(TOKEN).withLimits(MAX_FRAME, 64 << 10, 10_000));
    node = new TestNode(cfg).startReady();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static BridgeWire connect() throws Exception {
    return new BridgeWire(node.server.bridgeTcpPort());
  }

  static JsonObject token() {
    return new JsonObject().put("token", TOKEN);
  }

  @Test
  void replayFromAnIndexThenLiveEveryEventOnceInOrder() throws Exception {
    // more than one page of history (pages are 1,000 events)
    long before = BridgeEvents.append(node.server.log(), 2500, 10);
    long from = before - 2400;
    String address = "upone.events.replay." + UUID.randomUUID();
    try (BridgeWire c = connect()) {
      c.register(address, token().put("from", String.valueOf(from)));
      // live events committed while the replay runs and after it
      List<CompletableFuture<Long>> writes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        writes.add(CompletableFuture.supplyAsync(() -> {
          try {
            return BridgeEvents.append(node.server.log(), 25, 10);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      long last = writes.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
      long expected = from;
      while (expected <= last) {
        JsonObject f = c.read();
        assertNotNull(f, "connection open");
        assertEquals("message", f.getString("type"), f.encode());
        assertEquals(address, f.getString("address"));
        assertEquals(String.valueOf(expected), f.getJsonObject("body").getString("index"), "dense, in order, no duplicate");
        assertEquals(String.valueOf(expected), f.getJsonObject("headers").getString("index"));
        assertEquals("upone.events.task", f.getJsonObject("headers").getString("address"));
        expected++;
      }
      // nothing more after the last event: the next frame is the answer to a ping
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"));
      assertEquals(last - from + 1, expected - from, "counted");
    }
  }

  @Test
  void replayOfSomeAddressesOnly() throws Exception {
    assertEquals(201, node.post("/v1/apps", "{\"id\": \"/bridge/only-apps\", \"cmd\": \"sleep 1\", \"instances\": 0}").status());
    long appIndex = node.lastEventIndex();
    BridgeEvents.append(node.server.log(), 5, 10);
    try (BridgeWire c = connect()) {
      c.register("upone.events.replay." + UUID.randomUUID(), token().put("from", String.valueOf(appIndex))
          .put("addresses", "upone.events.app"));
      JsonObject f = c.read();
      assertEquals("AppCreated", f.getJsonObject("body").getString("type"));
      assertEquals(String.valueOf(appIndex), f.getJsonObject("body").getString("index"));
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"), "the task events after it were left out");
    }
  }

  @Test
  void liveRegistrationReceivesNewEvents() throws Exception {
    try (BridgeWire c = connect()) {
      c.register("upone.events.app", token());
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type")); // the register was handled before the ping
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/bridge/live\", \"cmd\": \"sleep 1\", \"instances\": 0}").status());
      JsonObject f = c.read();
      assertEquals("upone.events.app", f.getString("address"));
      assertEquals("AppCreated", f.getJsonObject("body").getString("type"));
      assertEquals("/bridge/live", f.getJsonObject("body").getJsonObject("appCreated").getJsonObject("spec").getString("id"));
    }
  }

  @Test
  void inboundAndForeignAddressesAreRefused() throws Exception {
    List<Object> reached = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    node.server.vertx().eventBus().consumer("upone.events.app", m -> reached.add(m.body()));
    node.server.vertx().eventBus().consumer("upone.test.inbound", m -> reached.add(m.body()))
        .completionHandler(ar -> ready.complete(null));
    ready.get(5, TimeUnit.SECONDS);
    try (BridgeWire c = connect()) {
      c.send(new JsonObject().put("type", "send").put("address", "upone.test.inbound").put("body", "x"));
      assertErr(c.read(), "outbound_only");
      c.send(new JsonObject().put("type", "publish").put("address", "upone.events.app").put("body", new JsonObject()));
      assertErr(c.read(), "outbound_only");
      c.register("upone.driver.commands", token());
      assertErr(c.read(), "address_not_permitted");
      c.register("upone.cluster.leadership", token());
      assertErr(c.read(), "address_not_permitted");
      c.register("upone.events.app", null);
      assertErr(c.read(), "token_refused");
      c.register("upone.events.app", new JsonObject().put("token", "wrong"));
      assertErr(c.read(), "token_refused");
      c.register("upone.events.replay.x1", token());
      assertErr(c.read(), "invalid_replay");
      c.register("upone.events.replay.x1", token().put("from", "0"));
      assertErr(c.read(), "invalid_replay");
      c.register("upone.events.replay.x1", token().put("from", "1").put("addresses", "upone.driver.commands"));
      assertErr(c.read(), "invalid_replay");
      c.send(new JsonObject().put("type", "subscribe").put("address", "upone.events.app"));
      assertErr(c.read(), "unknown_type");
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"), "still connected");
    }
    assertTrue(reached.isEmpty(), "nothing inbound reached the bus: " + reached);
    String metrics = node.get("/metrics").body();
    assertTrue(metrics.contains("upone_bridge_refused_total{code=\"outbound_only\"}"), metrics);
  }

  @Test
  void framesThatAreNotJsonOrTooLargeAreRefused() throws Exception {
    try (BridgeWire c = connect()) {
      c.raw("not json at all".getBytes(StandardCharsets.UTF_8));
      assertErr(c.read(), "invalid_json");
      c.raw("[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
      assertErr(c.read(), "invalid_json");
      c.raw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x01});
      assertErr(c.read(), "invalid_json");
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"), "a bad frame does not end the connection");
      c.raw(("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}").getBytes(StandardCharsets.UTF_8));
      assertErr(c.read(), "frame_too_large");
      assertNull(c.read(), "the connection is closed after a frame over the limit");
    }
    try (BridgeWire c = connect()) {
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"), "the bridge still serves");
    }
  }

  @Test
  void aClientThatDoesNotReadIsCutOff() throws Exception {
    try (BridgeWire slow = new BridgeWire(node.server.bridgeTcpPort(), 4096)) {
      slow.register("upone.events.task", token());
      slow.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", slow.read().getString("type"));
      // the client reads nothing more: the kernel buffers fill, then the server's write queue
      double before = cutOffs();
      TestNode.await("the slow client cut off", Duration.ofSeconds(120), () -> {
        try {
          BridgeEvents.append(node.server.log(), 50, 16_000);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return cutOffs() > before;
      });
      JsonObject f;
      JsonObject lastFrame = null;
      int messages = 0;
      while ((f = slow.read()) != null) {
        if ("message".equals(f.getString("type"))) messages++;
        lastFrame = f;
      }
      assertTrue(messages > 0);
      assertErr(lastFrame, "slow_consumer");
    }
    try (BridgeWire c = connect()) {
      c.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", c.read().getString("type"), "other clients are served");
    }
  }

  static double cutOffs() {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith("upone_bridge_cut_off_total{transport=\"tcp\"}")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }

  static void assertErr(JsonObject frame, String code) {
    assertNotNull(frame, "an err frame, not the end of the connection");
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals(code, frame.getString("code"), frame.encode());
    assertTrue(frame.getString("message").length() > 10, frame.encode());
  }
}
