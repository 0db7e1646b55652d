package io.upone.server.config;

import java.nio.file.Path;

/**
 * Who may talk to this node, and how: API tokens ({@code tokens-file}, {@code tokens}), the
 * secret agents and the master share ({@code agent-secret}), TLS for the API ({@code tls-cert},
 * {@code tls-key}; {@code tls-ca} to trust other members' certificates). All off by default:
 * a node on loopback needs none of it.
 *
 * @param tokens inline tokens, the file's line format separated by commas (for env-only setups)
 */
public record SecurityConfig(Path tokensFile, String tokens, String agentSecret, Path tlsCert, Path tlsKey, Path tlsCa) {
  public static final SecurityConfig OFF = new SecurityConfig(null, null, null, null, null, null);

  public SecurityConfig {
    if (agentSecret != null && agentSecret.isBlank()) agentSecret = null;
    if (tokens != null && tokens.isBlank()) tokens = null;
  }

  /** Whether the API serves HTTPS; checked when the API starts (one without the other is an error). */
  public boolean tls() {
    return tlsCert != null || tlsKey != null;
  }

  /** Refuses a certificate without its key, or a key without its certificate. */
  public void checkTls() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("tls-cert and tls-key go together: give both, or neither");
    }
  }

  public SecurityConfig withTokensFile(Path f) {
    return new SecurityConfig(f, tokens, agentSecret, tlsCert, tlsKey, tlsCa);
  }

  public SecurityConfig withTokens(String t) {
    return new SecurityConfig(tokensFile, t, agentSecret, tlsCert, tlsKey, tlsCa);
  }

  public SecurityConfig withAgentSecret(String s) {
    return new SecurityConfig(tokensFile, tokens, s, tlsCert, tlsKey, tlsCa);
  }

  public SecurityConfig withTls(Path cert, Path key, Path ca) {
    return new SecurityConfig(tokensFile, tokens, agentSecret, cert, key, ca);
  }
}
