package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.lb.testing.RealHaproxy;
import io.upone.lb.testing.RealSlardar;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upone zone ...} as an operator types it, against a real node, a real HAProxy and the
 * real Slardar: output, the LBs' own views, and the exit codes of refusals and of usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliZonesTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  @TempDir static Path dir;
  LbCluster lb;
  TestNode master;
  RealHaproxy haproxy;
  RealSlardar slardar;
  String marker;

  @BeforeAll
  void start() throws Exception {
    lb = LbCluster.start(dir, "upone-cli-zone-", List.of("zweb.upone"), "30300-30399");
    master = lb.master;
    haproxy = lb.haproxy;
    slardar = lb.slardar;
    marker = lb.marker;
  }

  @AfterAll
  void stop() throws Exception {
    if (lb != null) lb.close();
  }

  private Cli.Result cli(String... args) {
    return Cli.at(master.url(), args);
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli(args);
    assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
    return r;
  }

  @Test
  void zonesFromCreationToDetachingAnUpstream() throws Exception {
    ok("zone", "create", "edge-h", "--kind", "haproxy", "--instance", haproxy.admin());
    ok("zone", "create", "edge-s", "--kind", "slardar", "--instance", slardar.admin());
    String list = ok("zone", "list").out();
    assertTrue(list.startsWith("ZONE") && list.contains("edge-h") && list.contains("haproxy") && list.contains("edge-s"), list);

    Path docroot = Files.createDirectories(dir.resolve(marker));
    TestNode.Resp created = master.post("/v1/apps", "{\"id\": \"/cz/web\", \"cmd\": \"exec python3 -m http.server $PORT0 "
        + "--bind 127.0.0.1 --directory " + docroot + "\", \"cpus\": 0.1, \"mem\": 32, \"instances\": 2,"
        + " \"loadBalancer\": {\"upstream\": \"zweb.upone\"}}");
    assertEquals(201, created.status(), created.body());
    ok("zone", "edge-h", "add", "zweb.upone", "--app", "/cz/web");
    ok("zone", "edge-s", "add", "zweb.upone");
    TestNode.await("both LBs serve the two tasks", WAIT, () -> haproxy.readyServers("zweb.upone").size() == 2
        && slardar.upstreamServers("zweb.upone").size() == 2);

    String upstreams = ok("zone", "edge-h", "upstreams").out();
    assertTrue(upstreams.startsWith("UPSTREAM") && upstreams.contains("zweb.upone") && upstreams.contains("/cz/web"), upstreams);
    for (String server : haproxy.readyServers("zweb.upone")) assertTrue(upstreams.contains(server), upstreams);
    JsonObject picked = new JsonObject(ok("zone", "edge-s", "pick", "zweb.upone", "-o", "json").out());
    assertEquals(2, picked.getJsonArray("servers").size(), picked.encode());
    String top = ok("zone", "edge-h", "top", "--count", "2", "--interval", "0.2").out();
    assertTrue(top.contains("REQ/S") && top.contains("zweb.upone"), top);

    // Slardar's Lua, and its own refusals passed on
    Path lua = Files.writeString(dir.resolve("t.lua"), "local _M = {} return _M");
    ok("zone", "edge-s", "lua", "load", "modules.upone_cli", lua.toString());
    Cli.Result again = cli("zone", "edge-s", "lua", "load", "modules.upone_cli", lua.toString());
    assertEquals(1, again.exit(), again.toString());
    assertTrue(again.err().contains("lb_refused"), again.err());
    ok("zone", "edge-s", "lua", "activate", "modules.upone_cli");
    assertTrue(ok("zone", "edge-s", "lua", "list").out().contains("modules.upone_cli"));
    ok("zone", "edge-s", "lua", "unload", "modules.upone_cli");
    assertEquals(1, cli("zone", "edge-h", "lua", "list").exit(), "HAProxy runs no Lua");

    // refusals: 1 with the API's (or the LB's) message; usage errors: 2
    Cli.Result noBackend = cli("zone", "edge-h", "add", "nosuch.upone", "--app", "/cz/web");
    assertEquals(1, noBackend.exit(), noBackend.toString());
    Cli.Result unknown = cli("zone", "nowhere", "show");
    assertEquals(1, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("zone_not_found"), unknown.err());
    Cli.Result badKind = cli("zone", "create", "bad", "--kind", "nginx", "--instance", "127.0.0.1:1");
    assertEquals(1, badKind.exit(), badKind.toString());
    assertTrue(badKind.err().contains("kind"), badKind.err());
    assertEquals(2, cli("zone", "create", "bad", "--instance", "127.0.0.1:1").exit(), "no --kind");
    assertEquals(2, cli("zone", "edge-h", "frobnicate").exit());
    assertEquals(2, cli("zone", "edge-h").exit());

    ok("zone", "edge-h", "delete", "zweb.upone");
    TestNode.await("HAProxy no longer serves the upstream", WAIT, () -> haproxy.readyServers("zweb.upone").isEmpty());
    assertEquals(2, slardar.upstreamServers("zweb.upone").size(), "the other zone still publishes it");
  }
}
