package io.upone.core;

import java.util.Optional;
import java.util.regex.Pattern;

/** App ids are absolute paths of DNS-label-like segments, as in Marathon: {@code /team/web}. */
public final class AppId {
  private static final Pattern SEGMENT =
      Pattern.compile("^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])$");
  public static final int MAX_LENGTH = 255;
  /** Words the HTTP API uses after an app id ({@code /v1/apps/{id}/instances}); no segment may be one. */
  public static final java.util.Set<String> RESERVED = java.util.Set.of("instances", "tasks", "placement", "versions", "restart", "runs", "suspend", "resume");

  private AppId() {}

  /** The canonical absolute form of {@code raw} (a leading '/' is added to relative ids). */
  public static String canonical(String raw) {
    return raw.startsWith("/") ? raw : "/" + raw;
  }

  /** Why {@code raw} is not a valid id, or empty when it is. */
  public static Optional<String> problem(String raw) {
    if (raw == null || raw.isEmpty()) return Optional.of("must not be empty");
    String id = canonical(raw);
    if (id.length() > MAX_LENGTH) return Optional.of("must be at most " + MAX_LENGTH + " characters");
    if (id.equals("/")) return Optional.of("must name an app, not the root group");
    if (id.endsWith("/")) return Optional.of("must not end with '/'");
    String[] segments = id.substring(1).split("/", -1);
    for (String s : segments) {
      if (s.isEmpty()) return Optional.of("must not contain empty path segments ('//')");
      if (s.equals(".") || s.equals("..")) return Optional.of("must not contain '.' or '..' segments");
      if (RESERVED.contains(s)) return Optional.of("segment '" + s + "' is reserved by the API; choose another name");
      if (!SEGMENT.matcher(s).matches()) {
        return Optional.of("segment '" + s + "' must be lowercase letters, digits, '-' and '.', "
            + "starting and ending with a letter or digit");
      }
    }
    return Optional.empty();
  }

  public static boolean isValid(String raw) {
    return problem(raw).isEmpty();
  }
}
