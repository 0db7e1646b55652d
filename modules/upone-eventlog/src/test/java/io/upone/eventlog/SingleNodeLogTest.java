package io.upone.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleNodeLogTest {
  @TempDir Path dir;

  private RaftEventLog start(long snapshotEvery) throws InterruptedException {
    return start(snapshotEvery, TestEvents.freePort());
  }

  private RaftEventLog start(long snapshotEvery, int port) throws InterruptedException {
    RaftEventLog log = RaftEventLog.start(RaftConfig.single(dir, "127.0.0.1:" + port).withSnapshotEvery(snapshotEvery));
    assertTrue(log.awaitReady(Duration.ofSeconds(20)), "single node became ready");
    TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
    return log;
  }

  private static void fill(EventLog log, int apps, int tasksPerApp) {
    List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
    for (int a = 0; a < apps; a++) fs.add(log.append(TestEvents.app("/app-" + a, 1000 + a)));
    fs.forEach(CompletableFuture::join);
    fs.clear();
    for (int a = 0; a < apps; a++) {
      for (int t = 0; t < tasksPerApp; t++) {
        String id = "app-" + a + "." + t;
        fs.add(log.append(TestEvents.launch(id, "/app-" + a, 2000 + t)));
        fs.add(log.append(TestEvents.running(id, 3000 + t)));
      }
    }
    fs.forEach(CompletableFuture::join);
  }

  @Test
  void appendsAreAppliedAndCarryIndexes() throws Exception {
    try (RaftEventLog log = start(0)) {
      List<Event> first = log.append(TestEvents.app("/a", 1)).join();
      List<Event> second = log.append(TestEvents.app("/b", 2)).join();
      assertEquals(1, first.get(0).getIndex());
      assertEquals(2, second.get(0).getIndex());
      assertTrue(second.get(0).getTerm() >= 1);
      assertTrue(log.state().app("/a").isPresent());
      assertEquals(2, log.state().lastEventIndex());
    }
  }

  @Test
  void refusedProposalCompletesExceptionallyAndWritesNothingToState() throws Exception {
    try (RaftEventLog log = start(0)) {
      log.append(TestEvents.app("/a", 1)).join();
      String before = log.state().hash();
      CompletionException ex = assertThrows(CompletionException.class, () -> log.append(TestEvents.app("/a", 2)).join());
      Problem.Failure f = assertInstanceOf(Problem.Failure.class, ex.getCause());
      assertEquals("app_exists", f.problem().code());
      assertEquals(before, log.state().hash());
      // the next event still gets the next dense index
      assertEquals(2, log.append(TestEvents.app("/b", 3)).join().get(0).getIndex());
    }
  }

  @Test
  void concurrentRacingCreatesOnlyOneWins() throws Exception {
    try (RaftEventLog log = start(0)) {
      List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
      for (int i = 0; i < 50; i++) fs.add(log.append(TestEvents.app("/same", i)));
      long ok = fs.stream().filter(f -> {
        try {
          f.join();
          return true;
        } catch (CompletionException e) {
          return false;
        }
      }).count();
      assertEquals(1, ok);
      assertEquals(1, log.state().lastEventIndex());
    }
  }

  @Test
  void abruptStopAndRestartWithoutSnapshotGivesIdenticalState() throws Exception {
    int port = TestEvents.freePort();
    String hash;
    long events;
    RaftEventLog log = start(0, port);
    fill(log, 20, 25);
    hash = log.state().hash();
    events = log.state().lastEventIndex();
    log.close(); // no snapshot was ever taken: the restart replays the whole log
    assertFalse(dir.resolve("snapshot").toFile().list() != null && dir.resolve("snapshot").toFile().list().length > 0,
        "no snapshot was taken");
    try (RaftEventLog again = start(0, port)) {
      TestEvents.await("replay", Duration.ofSeconds(20), () -> again.state().lastEventIndex() == events);
      assertEquals(hash, again.state().hash());
      assertEquals(500, again.state().taskCount());
    }
  }

  @Test
  void restartFromSnapshotPlusTail() throws Exception {
    int port = TestEvents.freePort();
    RaftEventLog log = start(0, port);
    fill(log, 10, 10);
    log.snapshotNow();
    // the tail: written after the snapshot
    for (int i = 0; i < 30; i++) log.append(TestEvents.app("/tail-" + i, 5000 + i)).join();
    String hash = log.state().hash();
    long events = log.state().lastEventIndex();
    log.close();
    try (RaftEventLog again = start(0, port)) {
      TestEvents.await("replay", Duration.ofSeconds(20), () -> again.state().lastEventIndex() == events);
      assertEquals(hash, again.state().hash());
      assertTrue(again.state().app("/tail-29").isPresent());
      // events after the snapshot are readable from the log; older ones are compacted
      List<Event> tail = again.read(events - 29, 100);
      assertEquals(30, tail.size());
      assertEquals("/tail-0", tail.get(0).getAppCreated().getSpec().getId());
      Problem.Failure gone = assertThrows(Problem.Failure.class, () -> again.read(1, 10));
      assertEquals(Problem.Kind.GONE, gone.problem().kind());
    }
  }

  @Test
  void automaticSnapshotsEveryNEntriesKeepRecoveryCorrect() throws Exception {
    int port = TestEvents.freePort();
    // batched: 400 proposals fit in a few entries, yet every 50 events make a snapshot
    RaftEventLog log = RaftEventLog.start(RaftConfig.single(dir, "127.0.0.1:" + port).withSnapshotEvery(50));
    TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
    List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
    for (int i = 0; i < 400; i++) fs.add(log.append(TestEvents.app("/s-" + i, i)));
    fs.forEach(CompletableFuture::join);
    TestEvents.await("a snapshot", Duration.ofSeconds(20), () -> {
      String[] l = dir.resolve("snapshot").toFile().list();
      return l != null && l.length > 0;
    });
    String hash = log.state().hash();
    log.close();
    try (RaftEventLog again = start(50, port)) {
      TestEvents.await("replay", Duration.ofSeconds(20), () -> again.state().appCount() == 400);
      assertEquals(hash, again.state().hash());
    }
  }

  @Test
  void readReturnsCommittedEventsInOrderAndListenersSeeThemLive() throws Exception {
    try (RaftEventLog log = start(0)) {
      List<Event> seen = new CopyOnWriteArrayList<>();
      log.onCommitted(seen::addAll);
      log.append(TestEvents.app("/x", 1)).join();
      assertThrows(CompletionException.class, () -> log.append(TestEvents.app("/x", 2)).join());
      List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(log.append(TestEvents.app("/r-" + i, 10 + i)));
      fs.forEach(CompletableFuture::join);
      List<Event> all = log.read(1, 1000);
      assertEquals(301, all.size());
      for (int i = 0; i < all.size(); i++) assertEquals(i + 1, all.get(i).getIndex());
      assertEquals("/x", all.get(0).getAppCreated().getSpec().getId());
      assertEquals(all, seen);
      List<Event> page = log.read(200, 5);
      assertEquals(List.of(200L, 201L, 202L, 203L, 204L), page.stream().map(Event::getIndex).toList());
      assertTrue(log.read(302, 10).isEmpty());
    }
  }

  @Test
  void oneProposalPerEntryModeWorks() throws Exception {
    try (RaftEventLog log = RaftEventLog.start(RaftConfig.single(dir, "127.0.0.1:" + TestEvents.freePort()).withBatch(1))) {
      assertTrue(log.awaitReady(Duration.ofSeconds(20)));
      TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
      List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
      for (int i = 0; i < 100; i++) fs.add(log.append(TestEvents.app("/one-" + i, i)));
      fs.forEach(CompletableFuture::join);
      List<Event> all = log.read(1, 200);
      assertEquals(100, all.size());
      assertEquals(100, all.stream().map(Event::getEntryIndex).distinct().count(), "one entry per proposal");
    }
  }

}
