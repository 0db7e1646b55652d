package io.upone.eventlog;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.EventFormat;
import io.upone.core.proto.LogEntry;
import io.upone.core.proto.Proposal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Packs proposals from many callers into log entries: whatever queued up while the previous
 * entries were replicating goes into the next one. Under load that gives large entries (cheap
 * per event); when idle a lone proposal is sent at once (no added latency).
 */
final class Proposer {
  private record Pending(Proposal proposal, CompletableFuture<List<Event>> future) {}

  private final Node node;
  private final int maxProposals;
  private final int maxBytes;
  private final Semaphore inFlight;
  /** In-flight bytes, in KiB: many small entries may be in flight, but never more than 64 MiB. */
  private final Semaphore inFlightKib = new Semaphore(64 * 1024);
  private final Supplier<Problem.Failure> notLeader;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  Proposer(Node node, int maxProposals, int maxBytes, int maxInFlight, Supplier<Problem.Failure> notLeader) {
    this.node = node;
    this.maxProposals = Math.max(1, maxProposals);
    this.maxBytes = maxBytes;
    this.inFlight = new Semaphore(maxInFlight);
    this.notLeader = notLeader;
    this.thread = new Thread(this::loop, "upone-proposer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  CompletableFuture<List<Event>> submit(Proposal p) {
    CompletableFuture<List<Event>> f = new CompletableFuture<>();
    if (!running) {
      f.completeExceptionally(notLeader.get());
      return f;
    }
    queue.add(new Pending(p, f));
    if (!running) failQueued(); // stop() may have drained the queue before this add
    return f;
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>();
    while (running) {
      try {
        // blocks while idle: no wake-ups when nothing is proposed (stop() interrupts)
        batch.add(queue.take());
        inFlight.acquire();
        queue.drainTo(batch, maxProposals - 1);
        send(batch);
        batch.clear();
      } catch (InterruptedException e) {
        // stopped while waiting for room in flight: what was taken but not sent fails below
        break;
      } catch (RuntimeException e) {
        batch.forEach(p -> p.future().completeExceptionally(e));
        batch.clear();
      }
    }
    batch.forEach(p -> p.future().completeExceptionally(notLeader.get()));
    failQueued();
  }

  private void failQueued() {
    Pending p;
    while ((p = queue.poll()) != null) p.future().completeExceptionally(notLeader.get());
  }

  /**
   * Sends the batch as one entry, or several when it is over the byte limit. Sent proposals leave
   * {@code batch} as they go, so if a wait for room is interrupted only unsent ones remain in it.
   */
  private void send(List<Pending> batch) throws InterruptedException {
    while (!batch.isEmpty()) {
      LogEntry.Builder entry = LogEntry.newBuilder();
      List<CompletableFuture<List<Event>>> futures = new ArrayList<>();
      int bytes = 0;
      int n = 0;
      for (Pending p : batch) {
        int size = p.proposal().getSerializedSize();
        if (n > 0 && bytes + size > maxBytes) break;
        entry.addProposals(p.proposal());
        futures.add(p.future());
        bytes += size;
        n++;
      }
      apply(entry, futures);
      batch.subList(0, n).clear();
      if (!batch.isEmpty()) inFlight.acquire();
    }
  }

  private void apply(LogEntry.Builder entry, List<CompletableFuture<List<Event>>> futures) throws InterruptedException {
    int format = EventFormat.of(entry);
    if (format > 1) entry.setFormat(format); // readers of an older format refuse the entry
    byte[] data = entry.build().toByteArray();
    int kib = Math.min(64 * 1024, Math.max(1, (data.length + 1023) / 1024));
    inFlightKib.acquire(kib);
    node.apply(new Task(ByteBuffer.wrap(data), new BatchClosure(futures, () -> {
      inFlightKib.release(kib);
      inFlight.release();
    })));
  }

  void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
