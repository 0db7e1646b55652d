package io.upone.server.alerts;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Collects alerts into groups: one per kind, channel and host (task kinds) or app (the others).
 * A group opens with its first alert and closes {@code windowMs} later, however many join it,
 * so a storm of 1,000 LOST tasks on one agent is one message, and a long storm one per window.
 */
final class Grouping {
  private final long windowMs;
  private final LinkedHashMap<String, Group> open = new LinkedHashMap<>();

  Grouping(long windowMs) {
    this.windowMs = windowMs;
  }

  /** Adds {@code a}; false (and nothing changed) when it needs a new group and {@code room} is false. */
  boolean add(Alert a, long nowMs, boolean room) {
    String where = a.kind().perHost() ? a.host() : a.appId();
    String key = a.kind() + "\u0000" + a.route().webhook() + "\u0000" + a.route().channel() + "\u0000" + where;
    Group g = open.get(key);
    if (g == null) {
      if (!room) return false;
      g = new Group(a.kind(), a.route(), a.kind().perHost() ? a.host() : "", nowMs);
      open.put(key, g);
    }
    g.add(a);
    return true;
  }

  /** The groups whose window has passed, oldest first, removed. */
  List<Group> due(long nowMs) {
    List<Group> out = new ArrayList<>();
    for (Iterator<Group> it = open.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (g.openedMs + windowMs > nowMs) continue;
      out.add(g);
      it.remove();
    }
    return out;
  }

  int size() {
    return open.size();
  }

  void clear() {
    open.clear();
  }
}
