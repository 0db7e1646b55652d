package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/events: replay from the log, then live; every event once, in order. */
class EventStreamTest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.single(dir).startReady();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void create(String id) {
    assertEquals(201, node.post("/v1/apps", "{\"id\": \"" + id + "\", \"cmd\": \"sleep 1\"}").status());
  }

  @Test
  void replayThenLiveWithoutGapsOrDuplicates() throws Exception {
    for (int i = 0; i < 5; i++) create("/replay/a" + i);
    long from = node.lastEventIndex() - 4;
    HttpRequest req = HttpRequest.newBuilder(URI.create(node.url() + "/v1/events?from=" + from)).build();
    HttpResponse<InputStream> res = TestNode.HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, res.statusCode());
    assertEquals("application/x-ndjson", res.headers().firstValue("Content-Type").orElse(""));
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
    CompletableFuture<Void> readLoop = CompletableFuture.runAsync(() -> {
      try {
        String line;
        while (got.size() < 15 && (line = reader.readLine()) != null) got.add(new JsonObject(line));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // live events, written while the client is streaming
    TestNode.await("the replayed events", Duration.ofSeconds(20), () -> got.size() >= 5);
    List<CompletableFuture<TestNode.Resp>> writes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String id = "/replay/b" + i;
      writes.add(CompletableFuture.supplyAsync(() -> node.post("/v1/apps", "{\"id\": \"" + id + "\", \"cmd\": \"sleep 1\"}")));
    }
    writes.forEach(w -> assertEquals(201, w.join().status()));
    readLoop.get(20, TimeUnit.SECONDS);
    res.body().close();
    assertEquals(15, got.size());
    for (int i = 0; i < got.size(); i++) {
      assertEquals(String.valueOf(from + i), got.get(i).getString("index"), "dense, ordered, no duplicates");
      assertTrue(got.get(i).containsKey("appCreated"));
    }
    assertEquals("/replay/a0", got.get(0).getJsonObject("appCreated").getJsonObject("spec").getString("id"));
  }

  @Test
  void followFalseReturnsHistoryOnly() {
    create("/hist/x");
    long last = node.lastEventIndex();
    TestNode.Resp r = node.get("/v1/events?from=" + last + "&follow=false");
    assertEquals(200, r.status());
    String[] lines = r.body().strip().split("\n");
    assertEquals(1, lines.length);
    assertEquals(String.valueOf(last), new JsonObject(lines[0]).getString("index"));
    assertEquals("", node.get("/v1/events?from=" + (last + 100) + "&follow=false").body());
  }

  @Test
  void serverSentEventsWhenAsked() throws Exception {
    create("/sse/x");
    long last = node.lastEventIndex();
    HttpRequest req = HttpRequest.newBuilder(URI.create(node.url() + "/v1/events?from=" + last + "&follow=false"))
        .header("Accept", "text/event-stream").build();
    HttpResponse<String> r = TestNode.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.body().contains("id: " + last + "\nevent: AppCreated\ndata: {"), r.body());
  }

  @Test
  void committedEventsArePublishedOnTheEventBus() throws Exception {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> registered = new CompletableFuture<>();
    node.server.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_APP, m -> seen.add(m.body()))
        .completionHandler(ar -> registered.complete(null));
    registered.get(5, TimeUnit.SECONDS);
    create("/bus/x");
    TestNode.await("the event on the bus", Duration.ofSeconds(10),
        () -> seen.stream().anyMatch(j -> "AppCreated".equals(j.getString("type"))
            && "/bus/x".equals(j.getJsonObject("appCreated").getJsonObject("spec").getString("id"))));
  }
}
