package io.upone.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {
  @TempDir Path dir;

  private static RaftEventLog started(Path data, long snapshotEvery) throws InterruptedException {
    return started(data, "127.0.0.1:" + TestEvents.freePort(), snapshotEvery);
  }

  private static RaftEventLog started(Path data, String endpoint, long snapshotEvery) throws InterruptedException {
    RaftEventLog log = RaftEventLog.start(RaftConfig.single(data, endpoint).withSnapshotEvery(snapshotEvery));
    assertTrue(log.awaitReady(Duration.ofSeconds(20)));
    TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
    return log;
  }

  @Test
  void backupOfABusyMemberRestoresToTheSameStateAtItsIndex() throws Exception {
    Map<Long, String> hashAt = new ConcurrentHashMap<>();
    Path backup = dir.resolve("upone.backup");
    Backup.Summary taken;
    try (RaftEventLog log = started(dir.resolve("source"), 200)) {
      // the hash after every proposal, in log order, to compare with whatever index the backup reaches
      log.onCommitted(events -> hashAt.put(log.state().lastEventIndex(), log.state().hash()));
      for (int a = 0; a < 20; a++) log.append(TestEvents.app("/app-" + a, a)).join();
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 0; !stop.get(); i++) {
          String task = "app-" + (i % 20) + "." + i;
          log.append(TestEvents.launch(task, "/app-" + (i % 20), 1000 + i)).join();
          log.append(TestEvents.running(task, 2000 + i)).join();
        }
      });
      TestEvents.await("a snapshot and a tail", Duration.ofSeconds(60), () -> log.state().lastEventIndex() > 700);
      taken = Backup.write(dir.resolve("source"), backup);
      stop.set(true);
      writer.join();
      assertTrue(taken.snapshotEntryIndex() > 0, "the busy member had snapshotted: " + taken);
      assertTrue(taken.tailEntries() > 0, "and written entries after it: " + taken);
      assertTrue(log.state().lastEventIndex() > taken.lastEventIndex(), "writes went on after the backup");
    }
    assertEquals(hashAt.get(taken.lastEventIndex()), taken.stateHash(), "the backup is the source's state at its index");
    assertEquals(taken, Backup.inspect(backup));

    Path fresh = dir.resolve("fresh");
    Backup.Summary restored = Backup.restore(backup, fresh, List.of("127.0.0.1:" + TestEvents.freePort()));
    assertEquals(taken.stateHash(), restored.stateHash());
    // restore wrote a member for one endpoint; start it on that endpoint
    String endpoint = RaftFiles.snapshotMeta(new RaftFiles(fresh).latestSnapshot().orElseThrow()).getPeers(0);
    try (RaftEventLog log = RaftEventLog.start(RaftConfig.single(fresh, endpoint))) {
      assertTrue(log.awaitReady(Duration.ofSeconds(20)));
      TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
      assertEquals(taken.stateHash(), log.state().hash());
      assertEquals(taken.lastEventIndex(), log.state().lastEventIndex());
      assertEquals(20, log.state().appCount());
      // the restored member goes on writing, in a term no lower than the restored entries'
      List<Event> next = log.append(TestEvents.app("/after-restore", 1)).join();
      assertEquals(taken.lastEventIndex() + 1, next.get(0).getIndex());
      assertTrue(next.get(0).getTerm() >= taken.lastTerm());
    }
  }

  /**
   * The lost group may have elected leaders after the backup was taken; agents remember the
   * highest term they have seen and refuse commands of a lower one. The restored group must
   * lead in a term above all of them, or no agent would take its launches and kills.
   */
  @Test
  void aRestoredMemberLeadsInATermAboveEveryTermTheLostGroupReached() throws Exception {
    Path source = dir.resolve("source");
    String sourceEndpoint = "127.0.0.1:" + TestEvents.freePort();
    Path backup = dir.resolve("upone.backup");
    long termAtBackup;
    try (RaftEventLog log = started(source, sourceEndpoint, 0)) {
      termAtBackup = log.append(TestEvents.app("/before", 1)).join().get(0).getTerm();
    }
    Backup.Summary taken = Backup.write(source, backup);
    long highest = termAtBackup;
    for (int restart = 0; restart < 2; restart++) { // each start elects a leader in a new term
      try (RaftEventLog log = started(source, sourceEndpoint, 0)) {
        highest = log.append(TestEvents.app("/after-" + restart, 1)).join().get(0).getTerm();
      }
    }
    assertTrue(highest > termAtBackup, "the source held elections after the backup");

    Path fresh = dir.resolve("fresh");
    String endpoint = "127.0.0.1:" + TestEvents.freePort();
    Backup.restore(backup, fresh, List.of(endpoint));
    try (RaftEventLog log = RaftEventLog.start(RaftConfig.single(fresh, endpoint))) {
      assertTrue(log.awaitReady(Duration.ofSeconds(20)));
      TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
      assertEquals(taken.stateHash(), log.state().hash());
      long term = log.append(TestEvents.app("/restored", 1)).join().get(0).getTerm();
      assertTrue(term > highest, "restored leader's term " + term + " is above the lost group's " + highest);
    }
  }

  @Test
  void aDamagedOrForeignFileIsRefusedAndNothingIsWritten() throws Exception {
    Path backup = dir.resolve("b");
    try (RaftEventLog log = started(dir.resolve("source"), 0)) {
      for (int a = 0; a < 5; a++) log.append(TestEvents.app("/app-" + a, a)).join();
    }
    Backup.Summary ok = Backup.write(dir.resolve("source"), backup);
    assertEquals(5, ok.apps());

    byte[] bytes = Files.readAllBytes(backup);
    bytes[bytes.length / 2] ^= 0x40;
    Path damaged = Files.write(dir.resolve("damaged"), bytes);
    Path target = dir.resolve("target");
    IOException e = assertThrows(IOException.class, () -> Backup.restore(damaged, target, List.of("127.0.0.1:7000")));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertFalse(Files.exists(target.resolve("snapshot")), "nothing restored");

    Path truncated = Files.write(dir.resolve("truncated"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThrows(BackupFile.Corrupt.class, () -> Backup.inspect(truncated));
    Path foreign = Files.writeString(dir.resolve("foreign"), "x".repeat(200));
    e = assertThrows(IOException.class, () -> Backup.inspect(foreign));
    assertTrue(e.getMessage().contains("not an upone backup"), e.getMessage());

    // a data dir that already holds a member is left alone
    e = assertThrows(IOException.class, () -> Backup.restore(backup, dir.resolve("source"), List.of("127.0.0.1:7000")));
    assertTrue(e.getMessage().contains("already holds"), e.getMessage());
  }
}
