package io.upone.server.auth;

import io.upone.server.config.SecurityConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API tokens a node accepts, from {@code tokens-file} (one {@code token role name} per line,
 * {@code #} comments) and {@code tokens} (the same lines, comma-separated). Tokens are kept only
 * as SHA-256 digests, so a heap dump or a log line never shows one. No tokens configured means
 * authentication is off: every caller is an anonymous admin (the zero-config loopback node).
 *
 * <p>{@link #roleOf(String)} is the check other entry points (the event bus bridge) call with the
 * token string their client presented.
 */
public final class ApiTokens {
  public static final int MIN_TOKEN_LENGTH = 16;
  private static final Caller ANONYMOUS = new Caller("anonymous", Role.ADMIN);

  private final Map<String, Caller> byDigest;

  private ApiTokens(Map<String, Caller> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  public static ApiTokens off() {
    return new ApiTokens(Map.of());
  }

  /** Reads the configured tokens; a malformed line is an error naming the file and line. */
  public static ApiTokens load(SecurityConfig sec) {
    Map<String, Caller> out = new HashMap<>();
    if (sec.tokensFile() != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(sec.tokensFile(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("tokens-file " + sec.tokensFile() + " cannot be read: " + e.getMessage());
      }
      for (int i = 0; i < lines.size(); i++) add(out, lines.get(i), sec.tokensFile() + ":" + (i + 1));
    }
    if (sec.tokens() != null) {
      String[] entries = sec.tokens().split(",");
      for (int i = 0; i < entries.length; i++) add(out, entries[i], "tokens entry " + (i + 1));
    }
    return new ApiTokens(out);
  }

  /** Builds from lines as the file has them (tests, embedding). */
  public static ApiTokens of(List<String> lines) {
    Map<String, Caller> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) add(out, lines.get(i), "line " + (i + 1));
    return new ApiTokens(out);
  }

  private static void add(Map<String, Caller> out, String line, String where) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) return;
    String[] f = l.split("\\s+");
    if (f.length != 3) throw new IllegalArgumentException(where + ": expected 'token role name', got " + f.length + " fields");
    if (f[0].length() < MIN_TOKEN_LENGTH || !f[0].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(where + ": a token must be at least " + MIN_TOKEN_LENGTH
          + " printable ASCII characters (e.g. openssl rand -hex 24)");
    }
    Role role;
    try {
      role = Role.parse(f[1]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
    if (out.put(digest(f[0]), new Caller(f[2], role)) != null) throw new IllegalArgumentException(where + ": token given twice");
  }

  /** Whether any token is configured; without one, nothing is checked. */
  public boolean enabled() {
    return !byDigest.isEmpty();
  }

  public int size() {
    return byDigest.size();
  }

  /** The role of {@code token}, or empty for an unknown token (or none). Off: every token is admin. */
  public Optional<Role> roleOf(String token) {
    return callerOf(token).map(Caller::role);
  }

  /** Who presents {@code token}. */
  public Optional<Caller> callerOf(String token) {
    if (!enabled()) return Optional.of(ANONYMOUS);
    if (token == null || token.isEmpty()) return Optional.empty();
    return Optional.ofNullable(byDigest.get(digest(token)));
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
