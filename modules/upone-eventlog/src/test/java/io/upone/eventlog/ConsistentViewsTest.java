package io.upone.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers of the log's projection never see an entry, or a proposal, half-applied. */
class ConsistentViewsTest {
  @TempDir Path dir;

  private RaftEventLog start() throws InterruptedException {
    RaftEventLog log = RaftEventLog.start(RaftConfig.single(dir, "127.0.0.1:" + TestEvents.freePort()).withSnapshotEvery(0));
    assertTrue(log.awaitReady(Duration.ofSeconds(20)));
    TestEvents.await("leadership", Duration.ofSeconds(20), log::isLeader);
    return log;
  }

  /** One proposal: an app and its task, launched and running: three events that belong together. */
  private static Proposal appWithTask(int i) {
    return Proposal.newBuilder().addEvents(TestEvents.app("/p-" + i, i).getEvents(0))
        .addEvents(TestEvents.launch("p-" + i + ".1", "/p-" + i, i).getEvents(0)).build();
  }

  @Test
  void whileTheApplyThreadIsInsideAnEntryReadersSeeTheEntryBefore() throws Exception {
    try (RaftEventLog log = start()) {
      log.append(appWithTask(0)).join();
      State before = log.view();
      List<String> seenMidEntry = new CopyOnWriteArrayList<>();
      // forced interleaving: the apply thread stops after applying the proposal, before publishing,
      // and a reader on another thread reads then
      log.fsm().afterProposal = () -> {
        Thread reader = new Thread(() -> {
          State v = log.view();
          seenMidEntry.add(v.lastEventIndex() + " " + v.app("/p-1").isPresent() + " " + v.task("p-1.1").isPresent());
        });
        reader.start();
        try {
          reader.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      List<Event> committed = log.append(appWithTask(1)).join();
      log.fsm().afterProposal = () -> {};
      assertEquals(List.of(before.lastEventIndex() + " false false"), seenMidEntry);
      // once the entry is applied, all of it is visible, and the view names its last event
      State after = log.view();
      assertTrue(after.app("/p-1").isPresent() && after.task("p-1.1").isPresent());
      assertEquals(committed.get(committed.size() - 1).getIndex(), after.lastEventIndex());
      assertEquals(before.hash(), log.viewAt(before.lastEventIndex()).orElseThrow().hash());
    }
  }

  @Test
  void aReaderLoopingOverViewsNeverFindsAnAppWithoutItsTask() throws Exception {
    try (RaftEventLog log = start()) {
      AtomicBoolean done = new AtomicBoolean();
      List<String> torn = new CopyOnWriteArrayList<>();
      int[] views = new int[1];
      Thread reader = new Thread(() -> {
        while (!done.get()) {
          State v = log.view();
          if (v.appCount() != v.taskCount()) torn.add(v.appCount() + " apps, " + v.taskCount() + " tasks");
          views[0]++;
        }
      });
      reader.start();
      List<CompletableFuture<List<Event>>> fs = new ArrayList<>();
      for (int i = 0; i < 3000; i++) fs.add(log.append(appWithTask(i)));
      fs.forEach(CompletableFuture::join);
      done.set(true);
      reader.join();
      assertEquals(List.of(), torn);
      assertEquals(3000, log.view().appCount());
      assertTrue(views[0] > 0);
    }
  }
}
