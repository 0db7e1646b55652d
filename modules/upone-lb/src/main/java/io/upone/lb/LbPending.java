package io.upone.lb;

/**
 * A change the LB accepted but has not finished: a server removed from traffic still has
 * connections (HAProxy deletes it only once they are done). Retried without alarm.
 */
public final class LbPending extends RuntimeException {
  public LbPending(String message) {
    super(message, null, false, false);
  }
}
