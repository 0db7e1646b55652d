package io.upone.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Drives n asynchronous operations with at most {@code window} in flight; the same for upone and the baseline. */
final class Pipelined {
  private Pipelined() {}

  interface Op {
    /** Starts operation i; calls {@code done} with true (ok) or false (failed) when it completes. */
    void start(int i, Consumer<Boolean> done);
  }

  /** Operations per second. Throws if any failed. */
  static double run(int n, int window, Op op) throws InterruptedException {
    Semaphore inFlight = new Semaphore(window);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      op.start(i, ok -> {
        if (!ok) failed.incrementAndGet();
        inFlight.release();
        done.countDown();
      });
    }
    done.await();
    double secs = (System.nanoTime() - t0) / 1e9;
    if (failed.get() > 0) throw new IllegalStateException(failed.get() + " of " + n + " operations failed");
    return n / secs;
  }
}
