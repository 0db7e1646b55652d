package io.upone.server.alerts;

import io.upone.core.AlertRoute;
import java.util.Map;

/**
 * How alerts are routed and paced (see src-docs/alerts.md).
 *
 * @param defaultWebhook  {@code slack-webhook}: where apps and jobs that name no webhook of their own are alerted ("" = none)
 * @param defaultChannel  {@code alerts-channel}: the channel for apps and jobs that name none ("" = none: they are not alerted)
 * @param groupMs         {@code alerts-group-ms}: alerts of one kind, channel and host within this are one message
 * @param dedupeMs        {@code alerts-dedupe-s}: a message like one sent within this is held back (and counted)
 * @param perMinute       {@code alerts-per-minute}: messages per channel per minute (after a burst of as many)
 * @param queueLimit      {@code alerts-queue}: messages waiting (grouping or sending) before new ones are dropped
 * @param flapCount       {@code alerts-flap}: an app whose tasks end abnormally this many times ...
 * @param flapWindowMs    ... within this is flapping
 * @param retryMaxMs      backoff after a failed send doubles from 500 ms up to this
 * @param logLines        a failed task's alert carries this many of its last output lines
 * @param logTimeoutMs    and waits this long for them at most
 * @param username        Slack's {@code username} of the messages ("" = the webhook's own)
 * @param iconEmoji       Slack's {@code icon_emoji} ("" = the webhook's own)
 */
public record AlertSettings(String defaultWebhook, String defaultChannel, long groupMs, long dedupeMs, int perMinute,
                            int queueLimit, int flapCount, long flapWindowMs, long retryMaxMs, int logLines,
                            long logTimeoutMs, String username, String iconEmoji) {
  public static final java.util.List<String> KEYS = java.util.List.of("slack-webhook", "alerts-channel",
      "alerts-group-ms", "alerts-dedupe-s", "alerts-per-minute", "alerts-queue", "alerts-flap");

  public AlertSettings {
    if (!defaultWebhook.isEmpty()) {
      AlertRoute.webhookProblem(defaultWebhook).ifPresent(p -> {
        throw new IllegalArgumentException("slack-webhook " + p);
      });
    }
    if (!defaultChannel.isEmpty() && !AlertRoute.CHANNEL.matcher(defaultChannel).matches()) {
      throw new IllegalArgumentException("alerts-channel must be a Slack channel name like #ops-alerts");
    }
    if (groupMs < 0 || dedupeMs < 0) throw new IllegalArgumentException("alerts-group-ms and alerts-dedupe-s must not be negative");
    if (perMinute < 1) throw new IllegalArgumentException("alerts-per-minute must be at least 1");
    if (queueLimit < 1) throw new IllegalArgumentException("alerts-queue must be at least 1");
    if (flapCount < 2 || flapWindowMs < 1) throw new IllegalArgumentException("alerts-flap must be COUNT/SECONDS with COUNT >= 2");
  }

  public static AlertSettings defaults() {
    return new AlertSettings("", "", 2000, 300_000, 20, 1000, 5, 600_000, 30_000, 5, 2000, "upone", ":rotating_light:");
  }

  /** From the merged settings of {@code ConfigSources} (keys as in {@link #KEYS}); absent keys keep their defaults. */
  public static AlertSettings from(Map<String, String> v) {
    AlertSettings d = defaults();
    String flap = v.getOrDefault("alerts-flap", d.flapCount + "/" + d.flapWindowMs / 1000);
    String[] f = flap.split("/", 2);
    if (f.length != 2) throw new IllegalArgumentException("alerts-flap must be COUNT/SECONDS, like 5/600; got '" + flap + "'");
    return new AlertSettings(v.getOrDefault("slack-webhook", "").trim(), v.getOrDefault("alerts-channel", "").trim(),
        number(v, "alerts-group-ms", d.groupMs), number(v, "alerts-dedupe-s", d.dedupeMs / 1000) * 1000,
        (int) number(v, "alerts-per-minute", d.perMinute), (int) number(v, "alerts-queue", d.queueLimit),
        (int) parse("alerts-flap", f[0]), parse("alerts-flap", f[1]) * 1000, d.retryMaxMs, d.logLines, d.logTimeoutMs,
        d.username, d.iconEmoji);
  }

  public AlertSettings withDefaults(String webhook, String channel) {
    return new AlertSettings(webhook, channel, groupMs, dedupeMs, perMinute, queueLimit, flapCount, flapWindowMs,
        retryMaxMs, logLines, logTimeoutMs, username, iconEmoji);
  }

  public AlertSettings withPacing(long group, long dedupe, int rate, int queue, long retryMax) {
    return new AlertSettings(defaultWebhook, defaultChannel, group, dedupe, rate, queue, flapCount, flapWindowMs,
        retryMax, logLines, logTimeoutMs, username, iconEmoji);
  }

  public AlertSettings withFlapping(int count, long windowMs) {
    return new AlertSettings(defaultWebhook, defaultChannel, groupMs, dedupeMs, perMinute, queueLimit, count, windowMs,
        retryMaxMs, logLines, logTimeoutMs, username, iconEmoji);
  }

  private static long number(Map<String, String> v, String key, long dflt) {
    String s = v.get(key);
    return s == null || s.isBlank() ? dflt : parse(key, s);
  }

  private static long parse(String key, String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + s + "'");
    }
  }
}
