package io.upone.server.lifecycle;

import io.upone.core.proto.AppSpec;

/** Launch delay of one app after failures: backoffSeconds × backoffFactor^(n-1), capped. */
public final class Backoff {
  private int failures;
  private long nextLaunchAtMs;

  public void failed(AppSpec app, long nowMs) {
    failures++;
    double delay = app.getBackoffSeconds() * Math.pow(app.getBackoffFactor(), failures - 1);
    delay = Math.min(delay, app.getMaxLaunchDelaySeconds());
    nextLaunchAtMs = nowMs + (long) (delay * 1000);
  }

  public void reset() {
    failures = 0;
    nextLaunchAtMs = 0;
  }

  public int failures() {
    return failures;
  }

  public long delayMs(long nowMs) {
    return Math.max(0, nextLaunchAtMs - nowMs);
  }
}
