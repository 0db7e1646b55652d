package io.upone.lb;

/** The load balancer answered, with an error: its message is for the user (a 4xx, not a retry). */
public final class LbRefused extends RuntimeException {
  public LbRefused(String message) {
    super(message, null, false, false);
  }
}
