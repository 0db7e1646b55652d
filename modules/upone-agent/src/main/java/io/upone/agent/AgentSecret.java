package io.upone.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The secret an agent and its master share ({@code agent-secret} on both): the agent sends it
 * with every heartbeat and report, the master with every launch, kill and log read, each in the
 * {@value #HEADER} header. Null means none is configured and nothing is checked.
 */
public final class AgentSecret {
  public static final String HEADER = "X-Upone-Agent-Secret";

  private AgentSecret() {}

  /** Whether {@code presented} is the expected secret, compared in constant time. */
  public static boolean matches(String expected, String presented) {
    if (expected == null) return true;
    if (presented == null) return false;
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
