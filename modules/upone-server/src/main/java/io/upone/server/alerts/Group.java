package io.upone.server.alerts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Alerts of one kind, for one channel (and one host, for task kinds), that become one message. */
final class Group {
  static final int SAMPLES = 10;
  final AlertKind kind;
  final Route route;
  final String host;
  final long openedMs;
  final List<Alert> samples = new ArrayList<>();
  final Map<String, Integer> apps = new TreeMap<>();
  final Set<String> images = new LinkedHashSet<>();
  final Set<String> messages = new LinkedHashSet<>();
  final Set<Integer> exitCodes = new java.util.TreeSet<>();
  /** Log index → alerts of it in this group: released from the watermark's pending when the message is done. */
  final TreeMap<Long, Integer> indexes = new TreeMap<>();
  int count;
  int moreMessages;
  long firstCreatedMs = Long.MAX_VALUE;
  long lastCreatedMs;

  Group(AlertKind kind, Route route, String host, long openedMs) {
    this.kind = kind;
    this.route = route;
    this.host = host;
    this.openedMs = openedMs;
  }

  void add(Alert a) {
    count++;
    if (samples.size() < SAMPLES) samples.add(a);
    apps.merge(a.appId(), 1, Integer::sum);
    if (!a.image().isEmpty() && images.size() < 3) images.add(a.image());
    if (a.exitCode() != null && exitCodes.size() < 5) exitCodes.add(a.exitCode());
    if (messages.size() < 3 || messages.contains(a.message())) messages.add(a.message());
    else moreMessages++;
    if (a.createdMs() > 0) {
      firstCreatedMs = Math.min(firstCreatedMs, a.createdMs());
      lastCreatedMs = Math.max(lastCreatedMs, a.createdMs());
    }
    indexes.merge(a.index(), 1, Integer::sum);
  }

  Alert first() {
    return samples.get(0);
  }
}
