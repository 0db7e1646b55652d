package io.upone.core;

import java.util.List;

/**
 * Upper bounds of the amounts a spec may ask for. Far above any real machine, so they only
 * refuse a typo or a hostile number (1e300 cpus) that would otherwise be stored and wait for
 * an offer that never comes.
 */
public final class Amounts {
  public static final double MAX_CPUS = 100_000;
  /** MiB: 1 PiB. */
  public static final double MAX_MEM = 1L << 30;
  public static final double MAX_DISK = 1L << 30;
  public static final double MAX_SECONDS = 7 * 86_400;
  public static final double MAX_BACKOFF_FACTOR = 100;

  private Amounts() {}

  /** Adds an error when {@code v} is above {@code max}. */
  public static void atMost(double v, double max, String field, List<FieldError> errors) {
    if (v > max) errors.add(new FieldError(field, "must be at most " + (long) max));
  }
}
