package io.upone.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.LbKind;
import io.upone.lb.testing.RealHaproxy;
import io.upone.lb.testing.RealSlardar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both clients against the real load balancers: push, read back, remove, refusals. */
class LbClientsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static RealHaproxy haproxy;
  static RealSlardar slardar;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    haproxy = RealHaproxy.start(dir.resolve("haproxy"), List.of("web.upone"));
    slardar = RealSlardar.start(dir.resolve("slardar"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (haproxy != null) haproxy.close();
    if (slardar != null) slardar.close();
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  static List<Server> servers(int... ports) {
    return java.util.Arrays.stream(ports).mapToObj(p -> new Server("127.0.0.1", p, 1, "")).toList();
  }

  @Test
  void haproxyServersAreAddedWeightedAndRemovedAtRunTime() throws Exception {
    try (LbInstance lb = LbInstance.of(vertx, LbKind.HAPROXY, haproxy.admin())) {
      String before = await(lb.identity());
      assertEquals(servers(31001, 31002, 31003), await(lb.push("web.upone", servers(31001, 31002, 31003))));
      assertEquals(Set.of("127.0.0.1:31001", "127.0.0.1:31002", "127.0.0.1:31003"), haproxy.readyServers("web.upone"));
      List<Server> heavier = List.of(new Server("127.0.0.1", 31002, 5, ""));
      assertEquals(heavier, await(lb.push("web.upone", heavier)));
      assertEquals(Set.of("127.0.0.1:31002"), haproxy.readyServers("web.upone"));
      assertEquals(java.util.Map.of("web.upone", heavier), await(lb.managed()), "weight 5 in HAProxy's own state");
      assertEquals(List.of(), await(lb.push("web.upone", List.of())));
      assertEquals(Set.of(), haproxy.readyServers("web.upone"));
      assertEquals(before, await(lb.identity()), "no reload, no restart");
    }
  }

  @Test
  void haproxyRefusesAnUnknownBackendWithItsOwnMessage() throws Exception {
    try (LbInstance lb = LbInstance.of(vertx, LbKind.HAPROXY, haproxy.admin())) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(lb.push("nope.upone", servers(31001))));
      assertInstanceOf(LbRefused.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("nope.upone"), e.getCause().getMessage());
      assertInstanceOf(LbRefused.class, assertThrowsCause(() -> await(lb.check("nope.upone"))));
      await(lb.check("web.upone"));
    }
  }

  static Throwable assertThrowsCause(org.junit.jupiter.api.function.Executable ex) {
    return org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, ex).getCause();
  }

  @Test
  void slardarUpstreamsArePushedConfirmedAndDeleted() throws Exception {
    try (LbInstance lb = LbInstance.of(vertx, LbKind.SLARDAR, slardar.admin())) {
      assertNotEquals("", await(lb.identity()));
      assertEquals(servers(31001, 31002), await(lb.push("api.upone", servers(31001, 31002))));
      assertEquals(Set.of("127.0.0.1:31001", "127.0.0.1:31002"), slardar.upstreamServers("api.upone"));
      io.upone.core.testing.Poll.until("every worker has it", java.time.Duration.ofSeconds(5),
          () -> slardar.statusServers("api.upone").equals(Set.of("127.0.0.1:31001", "127.0.0.1:31002")));
      // upone's upstreams are told apart from Slardar's own ("store")
      assertEquals(java.util.Map.of("api.upone", servers(31001, 31002)), await(lb.managed()));
      assertEquals(servers(31002), await(lb.push("api.upone", servers(31002))));
      assertEquals(List.of(), await(lb.push("api.upone", List.of())));
      assertEquals(Set.of(), slardar.upstreamServers("api.upone"));
      assertEquals(List.of(), await(lb.push("api.upone", List.of())), "deleting what is gone is no error");
    }
  }

  @Test
  void slardarLuaAnswersAreRead() throws Exception {
    try (SlardarClient lb = new SlardarClient(vertx, slardar.admin())) {
      await(lb.luaLoad("modules.upone_test", "local _M = {} return _M"));
      Throwable again = assertThrowsCause(() -> await(lb.luaLoad("modules.upone_test", "local _M = {} return _M")));
      assertInstanceOf(LbRefused.class, again);
      await(lb.luaActivate("modules.upone_test"));
      assertTrue(await(lb.luaList()).encode().contains("modules.upone_test"));
      await(lb.luaUnload("modules.upone_test"));
      assertTrue(await(lb.top()).getLong("requests") >= 0);
    }
  }
}
