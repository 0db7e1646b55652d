package io.upone.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
  @TempDir Path dir;

  @Test
  void flagsWinOverEnvWhichWinsOverTheFile() throws Exception {
    Path file = dir.resolve("upone.properties");
    Files.writeString(file, "http-port=9001\ndata-dir=/from/file\nraft=127.0.0.1:7001\nsnapshot-every=5\n");
    Map<String, String> env = Map.of("UPONE_HTTP_PORT", "9002", "UPONE_DATA_DIR", "/from/env");
    Map<String, String> flags = new HashMap<>();
    flags.put("http-port", "9003");
    flags.put("data-dir", null); // a flag not given
    ServerConfig c = ConfigSources.resolve(file, env, flags);
    assertEquals(9003, c.httpPort());
    assertEquals(Path.of("/from/env"), c.dataDir());
    assertEquals(5, c.snapshotEveryEvents());
    assertEquals("127.0.0.1:7001", c.self().raftEndpoint());
    assertEquals("http://127.0.0.1:9003", c.self().httpUrl());
    assertEquals(1, c.peers().size());
  }

  @Test
  void peersNameRaftAndHttpOfEveryMember() {
    ServerConfig c = ConfigSources.resolve(null, Map.of(), Map.of("raft", "127.0.0.1:7002",
        "peers", "127.0.0.1:7001/8081,127.0.0.1:7002/8082,127.0.0.1:7003/8083"));
    assertEquals(3, c.peers().size());
    assertEquals("http://127.0.0.1:8082", c.self().httpUrl());
    assertEquals("http://127.0.0.1:8083", c.httpUrlOf("127.0.0.1:7003"));
  }

  @Test
  void badSettingsAreNamed() throws Exception {
    IllegalArgumentException notInPeers = assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null,
        Map.of(), Map.of("raft", "127.0.0.1:7009", "peers", "127.0.0.1:7001/8081")));
    assertTrue(notInPeers.getMessage().contains("127.0.0.1:7009"));
    IllegalArgumentException badPort = assertThrows(IllegalArgumentException.class,
        () -> ConfigSources.resolve(null, Map.of("UPONE_HTTP_PORT", "eighty"), Map.of()));
    assertTrue(badPort.getMessage().contains("http-port"));
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "htp-port=1\n");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ConfigSources.resolve(file, Map.of(), Map.of()));
    assertTrue(unknown.getMessage().contains("htp-port"));
    assertThrows(IllegalArgumentException.class, () -> Peer.parse("127.0.0.1:7001"));
  }

  @Test
  void bridgeSettings() throws Exception {
    ServerConfig plain = ConfigSources.resolve(null, Map.of(), Map.of());
    assertEquals(-1, plain.bridge().tcpPort(), "no TCP bridge unless asked");
    assertEquals("/eventbus", plain.bridge().sockJsPath());
    assertEquals(null, plain.bridge().token());
    Path file = dir.resolve("bridge.properties");
    Files.writeString(file, "bridge-tcp-port=7100\nbridge-sockjs-path=/bus/\nbridge-max-frame-bytes=4096\n");
    ServerConfig c = ConfigSources.resolve(file, Map.of("UPONE_BRIDGE_TOKEN", "s3cret", "UPONE_BRIDGE_MAX_HELD", "50"), Map.of());
    assertEquals(7100, c.bridge().tcpPort());
    assertEquals("/bus", c.bridge().sockJsPath());
    assertEquals("s3cret", c.bridge().token());
    assertEquals(4096, c.bridge().maxFrameBytes());
    assertEquals(50, c.bridge().maxHeld());
    for (Map.Entry<String, String> bad : Map.of("UPONE_BRIDGE_TCP_PORT", "70000", "UPONE_BRIDGE_SOCKJS_PATH", "eventbus",
        "UPONE_BRIDGE_MAX_FRAME_BYTES", "ten", "UPONE_BRIDGE_MAX_QUEUE_BYTES", "10").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ConfigSources.resolve(null, Map.of(bad.getKey(), bad.getValue()), Map.of()));
      String key = bad.getKey().substring("UPONE_".length()).toLowerCase().replace('_', '-');
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
  }

  @Test
  void placementSettings() {
    ServerConfig c = ConfigSources.resolve(null, Map.of("UPONE_PLACEMENT_AGENT_WEIGHTS", "agent-1=2.5, agent-2=0"),
        Map.of("placement-strategy", "binpack", "placement-weight-attribute", "weight"));
    assertEquals("binpack", c.scheduler().placement().defaultStrategy());
    assertEquals(Map.of("agent-1", 2.5, "agent-2", 0.0), c.scheduler().placement().agentWeights());
    assertEquals("weight", c.scheduler().placement().weightAttribute());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ConfigSources.resolve(null, Map.of(), Map.of("placement-strategy", "random")));
    assertTrue(unknown.getMessage().startsWith("placement:"), unknown.getMessage());
    IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
        () -> ConfigSources.resolve(null, Map.of(), Map.of("placement-agent-weights", "a=heavy")));
    assertTrue(weight.getMessage().contains("a=heavy"), weight.getMessage());
  }

  @Test
  void mesosSettings() {
    ServerConfig c = ConfigSources.resolve(null, Map.of("UPONE_MESOS", "m1:5050,http://m2:5050"),
        Map.of("mesos-failover-timeout-s", "3600", "mesos-codec", "json", "mesos-role", "web"));
    assertEquals(2, c.mesos().masters().size());
    assertEquals("http://m1:5050", c.mesos().masters().get(0).toString());
    assertEquals(3600, c.mesos().failoverTimeoutSeconds());
    assertEquals(io.upone.mesos.MesosCodec.JSON, c.mesos().codec());
    assertEquals("web", c.mesos().role());
    assertEquals(null, ConfigSources.resolve(null, Map.of(), Map.of()).mesos(), "native agents by default");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null,
        Map.of(), Map.of("mesos", "http://m1:5050", "local-agent", "true")));
    assertTrue(both.getMessage().contains("--mesos and --local-agent"), both.getMessage());
    IllegalArgumentException codec = assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null,
        Map.of(), Map.of("mesos", "http://m1:5050", "mesos-codec", "xml")));
    assertTrue(codec.getMessage().contains("mesos-codec"), codec.getMessage());
    IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null,
        Map.of(), Map.of("mesos", "ftp://m1:5050")));
    assertTrue(url.getMessage().contains("http://host:port"), url.getMessage());
    IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null,
        Map.of(), Map.of("mesos", "http://m1:5050", "mesos-failover-timeout-s", "-1")));
    assertTrue(timeout.getMessage().contains("mesos-failover-timeout-s"), timeout.getMessage());
  }
}
