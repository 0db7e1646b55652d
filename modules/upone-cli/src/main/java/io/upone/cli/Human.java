package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Values as a person reads them in a table: ages, durations, numbers without noise. */
final class Human {
  private Human() {}

  /** 45s, 12m, 3h4m, 2d3h. */
  static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) return s + "s";
    long m = s / 60;
    if (m < 60) return m + "m" + (s % 60 == 0 || m >= 10 ? "" : (s % 60) + "s");
    long h = m / 60;
    if (h < 24) return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
    long days = h / 24;
    return days + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
  }

  /** How long ago an ISO-8601 instant was, or "-" when absent. */
  static String age(JsonNode iso, Instant now) {
    Instant t = instant(iso);
    return t == null ? "-" : duration(Duration.between(t, now));
  }

  /** Until an instant ("in 3m"), or "-" when absent. */
  static String until(JsonNode iso, Instant now) {
    Instant t = instant(iso);
    if (t == null) return "-";
    return t.isBefore(now) ? "now" : "in " + duration(Duration.between(now, t));
  }

  static Instant instant(JsonNode iso) {
    if (iso == null || !iso.isTextual() || iso.asText().isEmpty()) return null;
    try {
      return Instant.parse(iso.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** 0.1, 64, 1.5: at most two decimals (sums of 0.1 stay 0.3), no trailing zeros. */
  static String number(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) return "-";
    return java.math.BigDecimal.valueOf(n.asDouble()).setScale(2, java.math.RoundingMode.HALF_UP)
        .stripTrailingZeros().toPlainString();
  }

  static String list(JsonNode arr) {
    if (arr == null || !arr.isArray() || arr.isEmpty()) return "-";
    List<String> out = new ArrayList<>();
    for (JsonNode n : arr) out.add(n.isTextual() ? n.asText() : n.toString());
    return String.join(",", out);
  }

  static String text(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? "-" : n.asText();
  }

  /** Cuts long cells (commands) so a table stays readable; JSON and YAML keep the whole value. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
