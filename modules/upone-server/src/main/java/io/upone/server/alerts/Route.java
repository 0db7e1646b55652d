package io.upone.server.alerts;

/** Where a message goes: a Slack incoming webhook, and a channel ("" = the webhook's own). */
public record Route(String webhook, String channel) {
  /** The channel as Slack expects it in a payload ({@code #name}), or "" for none. */
  public String slackChannel() {
    return channel.isEmpty() || channel.startsWith("#") ? channel : "#" + channel;
  }

  @Override
  public String toString() {
    // the webhook's path is a secret: never in logs
    return (channel.isEmpty() ? "(webhook's channel)" : slackChannel()) + " via " + java.net.URI.create(webhook).getHost();
  }
}
