package io.upone.agent;

import io.upone.core.driver.Resources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One agent: which master it reports to, what it offers, where tasks live.
 *
 * @param hostname  the name placement sees (constraints on "hostname"); defaults to the machine's
 * @param httpHost  where the agent's own API listens; the master calls it to launch and kill
 */
public record AgentConfig(String masterUrl, Resources resources, Map<String, String> attributes, Path workDir,
                          String hostname, String httpHost, int httpPort, long heartbeatMs, long logCapBytes) {

  public AgentConfig {
    attributes = Map.copyOf(attributes);
  }

  /** Parses {@code rack:a;zone:hz}. */
  public static Map<String, String> parseAttributes(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) return out;
    for (String part : text.split(";")) {
      if (part.isBlank()) continue;
      int colon = part.indexOf(':');
      if (colon <= 0 || colon == part.length() - 1) {
        throw new IllegalArgumentException("attribute '" + part + "' must be name:value");
      }
      out.put(part.substring(0, colon).trim(), part.substring(colon + 1).trim());
    }
    return out;
  }

  public String url() {
    return "http://" + ("0.0.0.0".equals(httpHost) ? "127.0.0.1" : httpHost) + ":" + httpPort;
  }
}
