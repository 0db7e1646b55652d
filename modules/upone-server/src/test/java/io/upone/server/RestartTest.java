package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apps survive a restart: the projection is rebuilt from the log (and snapshots). */
class RestartTest {
  @TempDir Path dir;

  @Test
  void appsSurviveRestartWithAndWithoutSnapshots() throws Exception {
    ServerConfig cfg = ServerConfig.single(dir, TestNode.freePort(), TestNode.freePort());
    String hash;
    try (TestNode node = new TestNode(cfg).startReady()) {
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/keep/one\", \"cmd\": \"sleep 1\", \"instances\": 2}").status());
      node.server.log().snapshotNow();
      assertEquals(201, node.post("/v1/apps", "{\"id\": \"/keep/two\", \"cmd\": \"sleep 2\"}").status());
      assertEquals(200, node.put("/v1/apps/keep/one/instances", "{\"instances\": 4}").status());
      hash = node.server.log().state().hash();
    }
    try (TestNode again = new TestNode(cfg).startReady()) {
      TestNode.await("replay", java.time.Duration.ofSeconds(20), () -> again.get("/v1/apps/keep/two").status() == 200);
      assertEquals(4, again.get("/v1/apps/keep/one").json().getInteger("instances"));
      assertEquals(2, again.get("/v1/apps/keep/one").json().getLong("version"));
      assertEquals(hash, again.server.log().state().hash());
      // and it keeps accepting writes with the next index
      assertEquals(201, again.post("/v1/apps", "{\"id\": \"/keep/three\", \"cmd\": \"sleep 3\"}").status());
    }
  }
}
