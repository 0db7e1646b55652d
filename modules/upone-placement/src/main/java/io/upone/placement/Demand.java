package io.upone.placement;

import io.upone.core.proto.AppSpec;

/**
 * {@code count} more instances of {@code app} to place. {@code relaxSpread}: the app has waited
 * long enough that the even-spread rules (the per-agent share and GROUP_BY's ±1) give way, so
 * that a machine that never offers cannot hold an app back forever. Hard constraints still hold.
 */
public record Demand(AppSpec app, int count, boolean relaxSpread) {
  public Demand {
    if (app == null) throw new IllegalArgumentException("demand: app is required");
    if (count < 0) throw new IllegalArgumentException("demand for " + app.getId() + ": count must not be negative");
  }

  public Demand(AppSpec app, int count) {
    this(app, count, false);
  }
}
