package io.upone.server.bus;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The apps a burst of committed proposals touched, handed to a leader-only consumer once per app
 * after the burst (one task at the back of its context's queue), not once per event: a scale-up
 * of 100 tasks is 100 commits but one recompute of the app.
 */
public final class AppsTouched {
  private final Context context;
  private final BooleanSupplier leading;
  private final Consumer<List<String>> recompute;
  private final Set<String> apps = new LinkedHashSet<>();
  private boolean queued;

  /** {@code recompute} runs on {@code context} with the apps in the order first touched, while {@code leading}. */
  public AppsTouched(Context context, BooleanSupplier leading, Consumer<List<String>> recompute) {
    this.context = context;
    this.leading = leading;
    this.recompute = recompute;
  }

  public void add(String appId) {
    apps.add(appId);
  }

  /** The app an app event (created, updated, deleted) is about; other events add nothing. */
  public void addApp(io.upone.core.proto.Event e) {
    switch (e.getPayloadCase()) {
      case APP_CREATED -> add(e.getAppCreated().getSpec().getId());
      case APP_UPDATED -> add(e.getAppUpdated().getSpec().getId());
      case APP_DELETED -> add(e.getAppDeleted().getAppId());
      default -> { }
    }
  }

  /** Call after handling a committed proposal: queues the recompute unless one is queued. */
  public void flush() {
    if (apps.isEmpty() || queued) return;
    queued = true;
    context.runOnContext(v -> {
      queued = false;
      List<String> now = new ArrayList<>(apps);
      apps.clear();
      if (leading.getAsBoolean()) recompute.accept(now);
    });
  }

  public void clear() {
    apps.clear();
  }
}
