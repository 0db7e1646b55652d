package io.upone.bench;

import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Recovery: a log of 1,000,000 events describing 100,000 tasks (launch, starting, running and
 * seven health/status updates each), a snapshot at 90% and a tail of 100,000 events; then the
 * time from start until the projection has every event again (goal < 3 s), and the heap one task
 * takes in the projection (goal < 2 KiB).
 */
public final class RestartBench {
  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long events = tasks * 10L;
    Path dir = Files.createTempDirectory("upone-restart-bench");
    String self = AppendBench.peers(1).get(0);
    RaftConfig cfg = RaftConfig.single(dir, self).withSnapshotEvery(0);
    System.out.printf("restart bench: %,d events describing %,d tasks, 1 node, fsync on%n", events, tasks);

    long t0 = System.nanoTime();
    try (RaftEventLog log = RaftEventLog.start(cfg)) {
      awaitLeader(log);
      // 10 events per task, grouped 100 tasks (1,000 events) per proposal
      List<CompletableFuture<?>> window = new ArrayList<>();
      for (int base = 0; base < tasks; base += 100) {
        if (base == tasks * 9 / 10) {
          for (CompletableFuture<?> f : window) f.join();
          window.clear();
          log.snapshotNow(); // the last 10% of events stay as the tail after the snapshot
        }
        window.add(log.append(tasksProposal(base, Math.min(100, tasks - base))));
        if (window.size() >= 64) {
          window.get(0).join();
          window.remove(0);
        }
      }
      for (CompletableFuture<?> f : window) f.join();
      System.out.printf("  wrote %,d events in %.1f s; live tasks %,d%n", log.state().lastEventIndex(),
          (System.nanoTime() - t0) / 1e9, log.state().taskCount());
      if (log.state().lastEventIndex() != events) throw new IllegalStateException("expected " + events + " events");
    }

    long r0 = System.nanoTime();
    double restartSecs;
    try (RaftEventLog again = RaftEventLog.start(cfg)) {
      while (again.state().lastEventIndex() < events) Thread.sleep(1);
      restartSecs = (System.nanoTime() - r0) / 1e9;
      System.out.printf("  restart (snapshot of %,d events + tail of %,d): %.2f s to a complete projection  [goal < 3 s]%n",
          events * 9 / 10, events / 10, restartSecs);
      StateSnapshot snap = again.state().snapshot();
      System.out.printf("  heap per task: %.0f bytes  [goal < 2048]%n", heapPerTask(snap, tasks));
    }
    AppendBench.deleteTree(dir);
    System.exit(0);
  }

  private static Proposal tasksProposal(int base, int count) {
    Proposal.Builder p = Proposal.newBuilder();
    for (int i = base; i < base + count; i++) {
      String id = "bench_app-" + (i % 100) + "." + java.util.UUID.nameUUIDFromBytes(("t" + i).getBytes());
      p.addEvents(Event.newBuilder().setTimestampMs(1_000_000L + i).setTaskLaunched(TaskLaunched.newBuilder()
          .setTaskId(id).setAppId("/bench/app-" + (i % 100)).setAppVersion(1).setAgentId("agent-" + (i % 1000))
          .setHostname("host-" + (i % 1000) + ".dc1.example").addHostPorts(31000 + i % 1000)));
      p.addEvents(status(id, TaskState.TASK_STARTING, null, i));
      p.addEvents(status(id, TaskState.TASK_RUNNING, null, i));
      for (int h = 0; h < 7; h++) p.addEvents(status(id, TaskState.TASK_RUNNING, h % 3 != 1, i));
    }
    return p.build();
  }

  private static Event status(String id, TaskState s, Boolean healthy, int i) {
    TaskStatusChanged.Builder c = TaskStatusChanged.newBuilder().setTaskId(id).setState(s);
    if (healthy != null) c.setHasHealth(true).setHealthy(healthy);
    return Event.newBuilder().setTimestampMs(2_000_000L + i).setTaskStatusChanged(c).build();
  }

  /** Heap of a projection holding {@code tasks} tasks, measured by restoring it alone. */
  private static double heapPerTask(StateSnapshot snap, int tasks) {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    byte[] bytes = snap.toByteArray();
    snap = null;
    long before = used(mem);
    State state;
    try {
      state = State.restore(StateSnapshot.parseFrom(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    long after = used(mem);
    // both readings hold the serialized bytes; only the projection differs
    if (state.taskCount() != tasks || bytes.length == 0) throw new IllegalStateException("restored " + state.taskCount() + " tasks");
    return (after - before) / (double) tasks;
  }

  private static long used(MemoryMXBean mem) {
    for (int i = 0; i < 3; i++) System.gc();
    return mem.getHeapMemoryUsage().getUsed();
  }

  private static void awaitLeader(RaftEventLog log) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!log.isLeader()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no leader");
      Thread.sleep(10);
    }
  }
}
