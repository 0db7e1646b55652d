package io.upone.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one way tests wait: poll a condition until a deadline. No test sleeps a fixed time to
 * wait for something; the only pause is this loop's 10 ms between two looks.
 */
public final class Poll {
  private Poll() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
