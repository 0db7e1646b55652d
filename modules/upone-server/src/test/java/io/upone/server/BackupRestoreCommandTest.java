package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.eventlog.Backup;
import io.upone.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code POST /v1/cluster/snapshot}, {@code upone backup} from a running node, {@code upone restore} into a fresh one. */
class BackupRestoreCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final String marker = "upone-test-" + UUID.randomUUID();
  TestNode source;
  TestNode restored;
  TestAgents agents;

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    if (source != null) source.close();
    if (restored != null) restored.close();
    Procs.cleanUp(marker);
  }

  private record Ran(int code, String out, String err) {}

  private static Ran upone(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = System.out;
    PrintStream e = System.err;
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      return new Ran(new CommandLine(new Main()).execute(args), out.toString(), err.toString());
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }

  private String app(String id, int instances) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"sleep 600 # " + marker + "\", \"instances\": " + instances
        + ", \"cpus\": 0.1, \"mem\": 16}";
  }

  @Test
  void aBackupOfARunningNodeRestoresEveryAppJobAndTask() throws Exception {
    source = TestNode.agentMaster(dir);
    Map<Long, String> hashAt = new ConcurrentHashMap<>();
    source.server.log().onCommitted(e -> hashAt.put(source.server.log().state().lastEventIndex(),
        source.server.log().state().hash()));
    agents = new TestAgents(dir);
    agents.start(source.url(), "a", "cpus:4;mem:4096;disk:1000;ports:[32100-32199]");
    for (int i = 0; i < 3; i++) assertEquals(201, source.post("/v1/apps", app("/svc/app-" + i, 2)).status());
    assertEquals(201, source.post("/v1/jobs", "{\"id\": \"/nightly/report\", \"schedule\": \"0 3 * * *\", "
        + "\"cmd\": \"true\", \"cpus\": 0.1, \"mem\": 8}").status());
    TestNode.await("6 tasks running", WAIT, () -> source.server.log().state().taskCount() == 6
        && source.get("/v1/tasks").body().split("TASK_RUNNING", -1).length - 1 == 6);

    TestNode.Resp snap = source.post("/v1/cluster/snapshot", "");
    assertEquals(201, snap.status(), snap.body());
    assertEquals(source.server.log().state().lastEventIndex(), snap.json().getLong("lastEventIndex"));
    // written after the snapshot: the backup's log tail must bring it back
    assertEquals(201, source.post("/v1/apps", app("/svc/after-snapshot", 1)).status());
    TestNode.await("7 tasks running", WAIT, () -> source.get("/v1/tasks").body().split("TASK_RUNNING", -1).length - 1 == 7);

    Path file = dir.resolve("upone.backup");
    Ran backup = upone("backup", "--data-dir", source.config.dataDir().toString(), "--out", file.toString());
    assertEquals(0, backup.code, backup.err);
    assertTrue(backup.out.contains("4 apps, 1 jobs, 7 tasks"), backup.out);
    Backup.Summary s = Backup.inspect(file);
    assertTrue(s.tailEntries() > 0, "the backup carries a log tail: " + s);
    assertEquals(hashAt.get(s.lastEventIndex()), s.stateHash(), "the backup is the node's state at its index");

    // a damaged copy is refused, with the reason, and leaves the target empty
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 40] ^= 1;
    Path damaged = Files.write(dir.resolve("damaged.backup"), bytes);
    Path target = dir.resolve("restored");
    Ran refused = upone("restore", "--in", damaged.toString(), "--data-dir", target.toString());
    assertEquals(1, refused.code);
    assertTrue(refused.err.contains("SHA-256"), refused.err);
    assertFalse(Files.exists(target.resolve("raft").resolve("snapshot")));

    ServerConfig fresh = ServerConfig.single(target, TestNode.freePort(), TestNode.freePort());
    Ran restore = upone("restore", "--in", file.toString(), "--data-dir", target.toString(),
        "--raft", fresh.self().raftEndpoint());
    assertEquals(0, restore.code, restore.err);
    Ran again = upone("restore", "--in", file.toString(), "--data-dir", target.toString(), "--raft", fresh.self().raftEndpoint());
    assertEquals(1, again.code, "a data dir holding a node is not overwritten");
    assertTrue(again.err.contains("already holds"), again.err);

    restored = new TestNode(fresh).startReady();
    assertEquals(s.stateHash(), restored.server.log().state().hash());
    assertEquals(4, restored.get("/v1/apps").json().getJsonArray("apps").size());
    JsonObject job = restored.get("/v1/jobs/nightly/report").json();
    assertEquals("0 3 * * *", job.getString("schedule"), job.encode());
    assertEquals(7, restored.get("/v1/tasks").body().split("TASK_RUNNING", -1).length - 1);
    // and it takes writes
    assertEquals(201, restored.post("/v1/apps", "{\"id\": \"/after/restore\", \"cmd\": \"true\", \"instances\": 0}").status());
  }
}
