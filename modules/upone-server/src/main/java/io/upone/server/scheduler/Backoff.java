package io.upone.server.scheduler;

import io.upone.core.proto.AppSpec;

/** Launch delay of one app after failures: backoffSeconds × backoffFactor^(n-1), capped. */
final class Backoff {
  int failures;
  long nextLaunchAtMs;

  void failed(AppSpec app, long nowMs) {
    failures++;
    double delay = app.getBackoffSeconds() * Math.pow(app.getBackoffFactor(), failures - 1);
    delay = Math.min(delay, app.getMaxLaunchDelaySeconds());
    nextLaunchAtMs = nowMs + (long) (delay * 1000);
  }

  void reset() {
    failures = 0;
    nextLaunchAtMs = 0;
  }

  long delayMs(long nowMs) {
    return Math.max(0, nextLaunchAtMs - nowMs);
  }
}
