package io.upone.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Which server and which token: {@code --url}, then {@code UPONE_URL}, then {@code url=} in the
 * config file, then {@code http://127.0.0.1:8080}; the token from {@code UPONE_TOKEN}, then
 * {@code token=} in the config file. The file is {@code $UPONE_CONFIG}, else
 * {@code $XDG_CONFIG_HOME/upone/config}, else {@code ~/.config/upone/config} (Java properties).
 */
record Target(String url, String token, String source) {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  static Target resolve(String flagUrl, Map<String, String> env, String home) {
    Path file = configFile(env, home);
    Properties p = new Properties();
    if (file != null && Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
      }
    }
    String token = firstSet(env.get("UPONE_TOKEN"), p.getProperty("token"));
    if (flagUrl != null && !flagUrl.isBlank()) return new Target(clean(flagUrl), token, "--url");
    if (isSet(env.get("UPONE_URL"))) return new Target(clean(env.get("UPONE_URL")), token, "UPONE_URL");
    if (isSet(p.getProperty("url"))) return new Target(clean(p.getProperty("url")), token, file.toString());
    return new Target(DEFAULT_URL, token, "default");
  }

  static Path configFile(Map<String, String> env, String home) {
    if (isSet(env.get("UPONE_CONFIG"))) return Path.of(env.get("UPONE_CONFIG"));
    if (isSet(env.get("XDG_CONFIG_HOME"))) return Path.of(env.get("XDG_CONFIG_HOME"), "upone", "config");
    return home == null ? null : Path.of(home, ".config", "upone", "config");
  }

  private static String clean(String url) {
    String u = url.strip();
    if (!u.startsWith("http://") && !u.startsWith("https://")) u = "http://" + u;
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  private static boolean isSet(String s) {
    return s != null && !s.isBlank();
  }

  private static String firstSet(String a, String b) {
    return isSet(a) ? a.strip() : isSet(b) ? b.strip() : null;
  }
}
