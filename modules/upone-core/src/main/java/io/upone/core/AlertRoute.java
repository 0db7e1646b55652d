package io.upone.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.json.JsonReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Where an app's or a job's alerts go: the JSON block {@code "alerts": {"channel": "#team-x",
 * "webhook": "https://hooks.slack.com/..."}}, stored as the spec's {@code alert_channel} and
 * {@code alert_webhook}. The webhook may be left out when the server has a default one. The older
 * top-level {@code alertChannel} is still read.
 */
public final class AlertRoute {
  /** Slack channel names: lowercase letters, digits, '-', '_', '.'; up to 80 characters. */
  public static final Pattern CHANNEL = Pattern.compile("^#?[a-z0-9_.-]{1,80}$");
  public static final int MAX_WEBHOOK_LENGTH = 2048;

  private AlertRoute() {}

  /** Reads {@code alerts} (and the legacy {@code alertChannel}) of an app or job object. */
  public static void read(JsonReader r, Consumer<String> channel, Consumer<String> webhook) {
    Optional<String> legacy = r.string("alertChannel");
    legacy.ifPresent(channel);
    r.object("alerts").ifPresent(a -> {
      a.string("channel").ifPresent(c -> {
        if (legacy.isPresent() && !legacy.get().equals(c)) {
          a.error(a.path("channel"), "differs from alertChannel; give one of them");
        }
        channel.accept(c);
      });
      a.string("webhook").ifPresent(webhook);
      if (!a.has("channel") && !a.has("webhook")) a.error(r.path("alerts"), "needs a channel, a webhook or both");
      a.finish();
    });
  }

  /** Adds what is wrong with a stored channel and webhook, under {@code alerts.*}. */
  public static void validate(String channel, String webhook, List<FieldError> errors) {
    if (!channel.isEmpty() && !CHANNEL.matcher(channel).matches()) {
      errors.add(new FieldError("alerts.channel",
          "must be a Slack channel name like #team-alerts (lowercase letters, digits, '-', '_', '.'; up to 80)"));
    }
    if (!webhook.isEmpty()) webhookProblem(webhook).ifPresent(p -> errors.add(new FieldError("alerts.webhook", p)));
  }

  /** Why {@code url} cannot be a webhook (an absolute http(s) URL with a host), if it cannot. */
  public static Optional<String> webhookProblem(String url) {
    if (url.length() > MAX_WEBHOOK_LENGTH) return Optional.of("must be at most " + MAX_WEBHOOK_LENGTH + " characters");
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("must be an http or https URL like https://hooks.slack.com/services/...: " + e.getReason());
    }
    if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
      return Optional.of("must be an http or https URL like https://hooks.slack.com/services/...");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) return Optional.of("must name a host");
    if (u.getRawUserInfo() != null) return Optional.of("must not carry a user name or password");
    if (u.getRawFragment() != null) return Optional.of("must not have a #fragment");
    return Optional.empty();
  }

  /** Writes the {@code alerts} block when there is one. */
  public static void write(ObjectNode o, String channel, String webhook) {
    if (channel.isEmpty() && webhook.isEmpty()) return;
    ObjectNode a = o.putObject("alerts");
    if (!channel.isEmpty()) a.put("channel", channel);
    if (!webhook.isEmpty()) a.put("webhook", webhook);
  }
}
