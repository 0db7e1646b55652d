package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.bridge.BridgeAuth;
import io.upone.server.bridge.BridgeConfig;
import io.upone.server.config.SecurityConfig;
import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which tokens the event bus bridge takes: its own, else the API's, else none needed. */
class BridgeAuthWiringTest {
  private static final ServerConfig BASE = ServerConfig.single(Path.of("unused"), 1, 2);

  @Test
  void openWithoutAnyToken() {
    BridgeAuth auth = UponeServer.bridgeAuth(BASE);
    assertTrue(auth.accepts(null));
  }

  @Test
  void theApiTokensWhenTheBridgeHasNone() {
    BridgeAuth auth = UponeServer.bridgeAuth(BASE.withSecurity(new SecurityConfig(null, "r3ad-t0ken-0123456789 read monitor", null, null,
        null, null)));
    assertTrue(auth.accepts("r3ad-t0ken-0123456789"));
    assertFalse(auth.accepts(null));
    assertFalse(auth.accepts("guess"));
  }

  @Test
  void itsOwnTokenWins() {
    BridgeAuth auth = UponeServer.bridgeAuth(BASE.withSecurity(new SecurityConfig(null, "r3ad-t0ken-0123456789 read monitor", null, null,
        null, null)).withBridge(BridgeConfig.defaults().withToken("bridge-only")));
    assertTrue(auth.accepts("bridge-only"));
    assertFalse(auth.accepts("r3ad-t0ken-0123456789"));
  }
}
