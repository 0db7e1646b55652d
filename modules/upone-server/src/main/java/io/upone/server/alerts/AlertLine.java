package io.upone.server.alerts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The product's one-line form, e.g. {@code TASK_LOST - HOST: 192.168.14.120, APP: /audit/upauditor,
 * IMG: registry/upauditor:3, CREATED: 2026-11-30 10:21:07 UTC, MSG: agent a1 disconnected}, and
 * the same for a group ({@code TASK_LOST ×30 - ...}, then the task ids). Text only: Slack's
 * control characters are escaped, lines and the whole message are kept short.
 */
final class AlertLine {
  static final int MAX_FIELD = 300;
  static final int MAX_TEXT = 3500;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private AlertLine() {}

  static String of(Alert a) {
    StringBuilder b = new StringBuilder(a.kind().name()).append(" - ");
    if (!a.host().isEmpty()) b.append("HOST: ").append(a.host()).append(", ");
    b.append("APP: ").append(a.appId());
    if (!a.image().isEmpty()) b.append(", IMG: ").append(cut(a.image()));
    if (a.createdMs() > 0) b.append(", CREATED: ").append(TIME.format(Instant.ofEpochMilli(a.createdMs())));
    if (a.exitCode() != null) b.append(", EXIT: ").append(a.exitCode());
    b.append(", MSG: ").append(cut(a.message()));
    if (!a.taskId().isEmpty() && a.kind().perHost()) b.append(", TASK: ").append(a.taskId());
    return escape(b.toString());
  }

  static String of(Group g) {
    if (g.count == 1) return of(g.first());
    StringBuilder b = new StringBuilder(g.kind.name()).append(" \u00d7").append(g.count).append(" - ");
    if (!g.host.isEmpty()) b.append("HOST: ").append(g.host).append(", ");
    b.append("APP: ").append(g.apps.size() == 1 ? g.apps.keySet().iterator().next() : g.apps.entrySet().stream().limit(5)
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
        + (g.apps.size() > 5 ? " (+" + (g.apps.size() - 5) + " apps)" : ""));
    if (!g.images.isEmpty()) b.append(", IMG: ").append(cut(String.join(", ", g.images)));
    if (g.lastCreatedMs > 0) {
      b.append(", CREATED: ").append(TIME.format(Instant.ofEpochMilli(g.firstCreatedMs)));
      if (g.lastCreatedMs != g.firstCreatedMs) b.append(" .. ").append(TIME.format(Instant.ofEpochMilli(g.lastCreatedMs)));
    }
    if (!g.exitCodes.isEmpty()) {
      b.append(", EXIT: ").append(g.exitCodes.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
    b.append(", MSG: ").append(cut(String.join(" | ", g.messages)));
    if (g.moreMessages > 0) b.append(" (+").append(g.moreMessages).append(" other messages)");
    List<String> ids = g.samples.stream().map(Alert::taskId).filter(t -> !t.isEmpty()).toList();
    if (!ids.isEmpty()) {
      b.append("\nTASKS: ").append(String.join(", ", ids));
      if (g.count > ids.size()) b.append(" (+").append(g.count - ids.size()).append(" more)");
    }
    return escape(b.toString());
  }

  /** The last lines of a failed task's output, as a code block. */
  static String withOutput(String text, List<String> lines) {
    if (lines.isEmpty()) return text;
    String block = lines.stream().map(AlertLine::cut).collect(Collectors.joining("\n"));
    return fit(text + "\n```\n" + escape(block.replace("```", "'''")) + "\n```");
  }

  /** A note of held-back repeats, after the line. */
  static String withRepeats(String text, int held, Map.Entry<Long, Long> span) {
    if (held == 0) return text;
    return fit(text + "\n(" + held + " similar held back since " + TIME.format(Instant.ofEpochMilli(span.getKey())) + ")");
  }

  static String fit(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "\u2026";
  }

  private static String cut(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ');
    return one.length() <= MAX_FIELD ? one : one.substring(0, MAX_FIELD - 1) + "\u2026";
  }

  /** Slack reads &, < and > as markup: escaped, a message says exactly what happened. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
