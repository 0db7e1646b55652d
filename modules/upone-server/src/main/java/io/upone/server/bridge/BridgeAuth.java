package io.upone.server.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides whether a bridge client's token (the {@code token} header of its register frames)
 * lets it receive events. The default compares with the server setting {@code bridge-token};
 * another implementation can check the API's tokens instead.
 */
@FunctionalInterface
public interface BridgeAuth {
  /** @param token the header's value, or null when the frame has none */
  boolean accepts(String token);

  /** Open when {@code expected} is null or blank; otherwise only that exact token. */
  static BridgeAuth of(String expected) {
    if (expected == null || expected.isBlank()) return token -> true;
    byte[] want = expected.getBytes(StandardCharsets.UTF_8);
    // constant-time: a client must not learn the token a byte at a time
    return token -> token != null && MessageDigest.isEqual(want, token.getBytes(StandardCharsets.UTF_8));
  }
}
