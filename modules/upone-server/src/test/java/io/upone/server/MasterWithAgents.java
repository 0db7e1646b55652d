package io.upone.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests with one master and real agents on loopback. Task commands carry
 * {@link #marker}, so a test counts the processes themselves, and none may outlive the test.
 */
abstract class MasterWithAgents {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  TestNode master;
  TestAgents agents;
  final String marker = "upone-test-" + UUID.randomUUID();

  /** Starts the master and agents named with their resources: name, resources, name, resources... */
  void startWithAgents(String... nameThenResources) throws Exception {
    master = TestNode.agentMaster(dir);
    agents = new TestAgents(dir);
    for (int i = 0; i + 1 < nameThenResources.length; i += 2) {
      agents.start(master.url(), nameThenResources[i], nameThenResources[i + 1]);
    }
    int n = nameThenResources.length / 2;
    // right after ready the node may not have run its leader start yet: /v1/agents answers 503 then
    TestNode.await(n + " agents", WAIT, () -> {
      TestNode.Resp r = master.get("/v1/agents");
      return r.status() == 200 && r.json().getJsonArray("agents").size() == n;
    });
  }

  /** An app of {@code sleep} processes carrying the marker. */
  String sleepApp(String id, int instances, String extra) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"sleep 600; true # " + marker + "\", \"cpus\": 0.1, \"mem\": 16,"
        + " \"instances\": " + instances + extra + "}";
  }

  @AfterEach
  void stopAll() throws Exception {
    if (agents != null) agents.close();
    if (master != null) master.close();
    Procs.cleanUp(marker);
  }
}
