package io.upone.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.ConfigSources;
import io.upone.server.config.SecurityConfig;
import io.upone.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {
  @TempDir Path dir;

  @Test
  void tokensFromTheFileAndTheEnvironment() throws Exception {
    Path f = dir.resolve("tokens");
    Files.writeString(f, "# comment\n\nreader-0123456789abcdef read grafana\n  writer-0123456789abcdef   write ci  \n");
    ServerConfig c = ConfigSources.resolve(null, Map.of("UPONE_TOKENS_FILE", f.toString(),
        "UPONE_TOKENS", "admin-0123456789abcdef admin ops"), Map.of());
    ApiTokens t = ApiTokens.load(c.security());
    assertEquals(3, t.size());
    assertEquals(Optional.of(Role.READ), t.roleOf("reader-0123456789abcdef"));
    assertEquals(Optional.of(new Caller("ci", Role.WRITE)), t.callerOf("writer-0123456789abcdef"));
    assertEquals(Optional.of(Role.ADMIN), t.roleOf("admin-0123456789abcdef"));
    assertEquals(Optional.empty(), t.roleOf("reader-0123456789abcdeX"));
    assertEquals(Optional.empty(), t.roleOf(null));
  }

  @Test
  void offMeansEveryCallerIsAnAnonymousAdmin() {
    ApiTokens t = ApiTokens.load(SecurityConfig.OFF);
    assertFalse(t.enabled());
    assertEquals(Optional.of(Role.ADMIN), t.roleOf(null));
  }

  @Test
  void malformedLinesNameWhereTheyAre() {
    for (String bad : List.of("short read x", "long-enough-token-123 reader x", "long-enough-token-123 read",
        "long-enough-token-123 read a b", "t\u00f6ken-long-enough-123 read x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.of(List.of("# first", bad)));
      assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ApiTokens.of(List.of("long-enough-token-123 read a",
        "long-enough-token-123 write b")));
  }

  @Test
  void tlsNeedsCertAndKeyTogether() {
    assertThrows(IllegalArgumentException.class, () -> ConfigSources.resolve(null, Map.of("UPONE_TLS_CERT", "/x.pem"), Map.of())
        .security().checkTls());
    ServerConfig c = ConfigSources.resolve(null, Map.of("UPONE_TLS_CERT", "/x.pem", "UPONE_TLS_KEY", "/k.pem"), Map.of());
    assertTrue(c.security().tls());
    assertEquals("https://127.0.0.1:8080", c.self().httpUrl());
  }
}
