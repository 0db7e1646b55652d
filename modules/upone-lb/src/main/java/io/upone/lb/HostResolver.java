package io.upone.lb;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Agent hostnames to IP literals. Slardar takes only IP literals as hosts (a name is accepted by
 * its API, then every proxied request fails with "no host allowed"), and HAProxy's {@code add
 * server} resolves nothing at run time: names are resolved here, once, and cached.
 */
public interface HostResolver {
  Optional<String> ip(String hostname);

  Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

  static boolean isIpLiteral(String h) {
    if (IPV4.matcher(h).matches()) return true;
    return h.indexOf(':') >= 0 && h.matches("^[0-9A-Fa-f:.]+$");
  }

  /**
   * The system resolver, cached. An agent's hostname is looked up once per process (the first
   * time blocks for the lookup, which is why the sync resolves before pushing, never on a
   * request path); a name that does not resolve is retried on the next call.
   */
  static HostResolver system() {
    Map<String, String> cache = new ConcurrentHashMap<>();
    Map<String, Long> failedAt = new ConcurrentHashMap<>();
    return h -> {
      if (h == null || h.isEmpty()) return Optional.empty();
      if (isIpLiteral(h)) return Optional.of(h.toLowerCase());
      String have = cache.get(h);
      if (have != null) return Optional.of(have);
      // a name that did not resolve is not looked up again for 30 s: each lookup may block
      Long failed = failedAt.get(h);
      if (failed != null && System.currentTimeMillis() - failed < 30_000) return Optional.empty();
      try {
        String ip = InetAddress.getByName(h).getHostAddress();
        cache.put(h, ip);
        failedAt.remove(h);
        return Optional.of(ip);
      } catch (UnknownHostException e) {
        failedAt.put(h, System.currentTimeMillis());
        return Optional.empty();
      }
    };
  }

  /** A fixed table (tests): names not in it do not resolve; IP literals are themselves. */
  static HostResolver table(Map<String, String> table) {
    return h -> isIpLiteral(h) ? Optional.of(h) : Optional.ofNullable(table.get(h));
  }
}
