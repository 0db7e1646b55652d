package io.upone.core.container;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code docker run} options an app may pass as {@code container.docker.parameters}: the ones
 * the agent knows how to give the engine. Anything else is refused at the API rather than
 * silently dropped on the agent.
 */
public final class DockerParameters {
  enum Kind { TEXT, KEY_VALUE, BOOLEAN, INTEGER, ABSOLUTE_PATH }

  private static final Map<String, Kind> KNOWN = new TreeMap<>(Map.ofEntries(
      Map.entry("label", Kind.KEY_VALUE),
      Map.entry("env", Kind.KEY_VALUE),
      Map.entry("user", Kind.TEXT),
      Map.entry("workdir", Kind.ABSOLUTE_PATH),
      Map.entry("hostname", Kind.TEXT),
      Map.entry("entrypoint", Kind.TEXT),
      Map.entry("init", Kind.BOOLEAN),
      Map.entry("read-only", Kind.BOOLEAN),
      Map.entry("cap-add", Kind.TEXT),
      Map.entry("cap-drop", Kind.TEXT),
      Map.entry("pids-limit", Kind.INTEGER),
      Map.entry("stop-signal", Kind.TEXT),
      Map.entry("tmpfs", Kind.ABSOLUTE_PATH)));
  /** Options that widen what the container may do to the host: allowed only with privileges. */
  public static final String CAP_ADD = "cap-add";
  private static final Pattern INTEGER = Pattern.compile("^-?[0-9]{1,18}$");

  private DockerParameters() {}

  public static boolean known(String key) {
    return KNOWN.containsKey(key);
  }

  /** Why the value does not suit the key, or empty when it does (or the key is unknown). */
  public static Optional<String> valueProblem(String key, String value) {
    Kind kind = KNOWN.get(key);
    if (kind == null) return Optional.of("unknown docker parameter '" + key + "'; known: " + String.join(", ", KNOWN.keySet()));
    return switch (kind) {
      case TEXT -> value.isBlank() ? Optional.of("--" + key + " needs a value") : Optional.empty();
      case KEY_VALUE -> value.indexOf('=') > 0 ? Optional.empty() : Optional.of("--" + key + " takes NAME=VALUE");
      case BOOLEAN -> value.equals("true") || value.equals("false") ? Optional.empty()
          : Optional.of("--" + key + " takes true or false");
      case INTEGER -> INTEGER.matcher(value).matches() ? Optional.empty() : Optional.of("--" + key + " takes an integer");
      case ABSOLUTE_PATH -> value.startsWith("/") ? Optional.empty() : Optional.of("--" + key + " takes an absolute path");
    };
  }
}
