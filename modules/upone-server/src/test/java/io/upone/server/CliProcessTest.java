package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as its own process: the server address from the environment and the config file, the
 * token on the wire, and {@code --follow} ended by Ctrl-C with its output whole.
 */
class CliProcessTest {
  @TempDir Path dir;
  TestNode node;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.single(dir.resolve("node")).startReady();
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  @Test
  void serverFromUponeUrlThenTheConfigFile() throws Exception {
    Cli.Result byEnv = Cli.exec(Map.of("UPONE_URL", node.url(), "XDG_CONFIG_HOME", dir.resolve("none").toString()), "cluster", "leader");
    assertEquals(0, byEnv.exit(), byEnv.toString());
    assertTrue(byEnv.out().startsWith(node.url() + "  (raft "), byEnv.out());

    Path config = dir.resolve("xdg/upone/config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "# written by the test\nurl = " + node.url() + "\n");
    Cli.Result byFile = Cli.exec(Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString()), "cluster", "leader", "-o", "json");
    assertEquals(0, byFile.exit(), byFile.toString());
    assertTrue(byFile.out().contains("\"http\" : \"" + node.url() + "\""), byFile.out());

    // --url wins over both; an address nothing listens on is exit 3
    String closed = "http://127.0.0.1:" + TestNode.freePort();
    Cli.Result flag = Cli.exec(Map.of("UPONE_URL", node.url(), "XDG_CONFIG_HOME", dir.resolve("xdg").toString()), "app", "list", "--url", closed);
    assertEquals(3, flag.exit(), flag.toString());
    assertTrue(flag.err().contains("cannot reach " + closed), flag.err());
  }

  @Test
  void theTokenIsSentAsBearer() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext("/", x -> {
      seen.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
      byte[] body = "{\"code\":\"unauthorized\",\"message\":\"token refused\",\"errors\":[]}".getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(401, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    fake.start();
    try {
      String url = "http://127.0.0.1:" + fake.getAddress().getPort();
      Cli.Result r = Cli.exec(Map.of("UPONE_URL", url, "UPONE_TOKEN", "s3cret", "XDG_CONFIG_HOME", dir.resolve("none").toString()), "app", "list");
      assertEquals(1, r.exit(), r.toString());
      assertEquals(List.of("Bearer s3cret"), seen);
      assertTrue(r.err().startsWith("upone: token refused [unauthorized, 401 on GET /v1/apps]"), r.err());
    } finally {
      fake.stop(0);
    }
  }

  @Test
  void followEndsCleanlyOnCtrlC() throws Exception {
    Process p = Cli.process(Map.of("XDG_CONFIG_HOME", dir.resolve("none").toString()), "events", "tail", "--follow", "--from", "1", "--url", node.url())
        .redirectError(dir.resolve("err.txt").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertTrue(out.readLine().matches("INDEX\\s+TIME\\s+KIND\\s+DETAIL"));
      // an event committed now reaches the follower while it runs
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/cli/live\", \"cmd\": \"true\", \"instances\": 0}").status());
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.contains("AppCreated"));
      assertTrue(line != null && line.contains("/cli/live"), "the live event was printed");

      new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the follower ended");
      assertEquals(130, p.exitValue(), "ended by SIGINT (128 + 2), like any command stopped with Ctrl-C");
      assertEquals(null, out.readLine(), "nothing half-written after the stop");
      String err = Files.readString(dir.resolve("err.txt"));
      assertFalse(err.contains("Exception"), err);
      assertFalse(err.contains("cannot reach"), "a stop is not a broken stream: " + err);
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
