package io.upone.server.bridge;

/**
 * Settings of the event bus bridge ({@code bridge-*} keys, see src-docs/bridge.md).
 *
 * @param tcpPort       TCP bridge port; -1 = no TCP bridge, 0 = any free port (tests)
 * @param sockJsPath    where the SockJS bridge is mounted on the HTTP port ({@code /eventbus}); empty = none
 * @param token         the token clients must send; null = open
 * @param maxFrameBytes an inbound frame larger than this is refused (TCP: and the connection closed)
 * @param maxQueueBytes a client whose unsent output exceeds this is cut off (live) or waited for (replay)
 * @param maxHeld       live events held back for a client still replaying; past it the client is cut off
 */
public record BridgeConfig(int tcpPort, String sockJsPath, String token, int maxFrameBytes, int maxQueueBytes, int maxHeld) {
  public static final int DEFAULT_MAX_FRAME = 64 << 10;
  public static final int DEFAULT_MAX_QUEUE = 4 << 20;
  public static final int DEFAULT_MAX_HELD = 100_000;

  public BridgeConfig {
    if (tcpPort < -1 || tcpPort > 65535) throw new IllegalArgumentException("bridge-tcp-port must be -1 (off) or 0..65535");
    sockJsPath = sockJsPath == null ? "" : sockJsPath.strip();
    if (sockJsPath.endsWith("/")) sockJsPath = sockJsPath.substring(0, sockJsPath.length() - 1);
    if (!sockJsPath.isEmpty() && !sockJsPath.startsWith("/")) {
      throw new IllegalArgumentException("bridge-sockjs-path must start with '/', got '" + sockJsPath + "'");
    }
    if (maxFrameBytes < 256) throw new IllegalArgumentException("bridge-max-frame-bytes must be at least 256");
    if (maxQueueBytes < 1024) throw new IllegalArgumentException("bridge-max-queue-bytes must be at least 1024");
    if (maxHeld < 1) throw new IllegalArgumentException("bridge-max-held must be at least 1");
  }

  /** SockJS at {@code /eventbus} on the HTTP port, no TCP bridge, open. */
  public static BridgeConfig defaults() {
    return new BridgeConfig(-1, "/eventbus", null, DEFAULT_MAX_FRAME, DEFAULT_MAX_QUEUE, DEFAULT_MAX_HELD);
  }

  public BridgeConfig withTcpPort(int port) {
    return new BridgeConfig(port, sockJsPath, token, maxFrameBytes, maxQueueBytes, maxHeld);
  }

  public BridgeConfig withToken(String t) {
    return new BridgeConfig(tcpPort, sockJsPath, t, maxFrameBytes, maxQueueBytes, maxHeld);
  }

  public BridgeConfig withLimits(int frameBytes, int queueBytes, int held) {
    return new BridgeConfig(tcpPort, sockJsPath, token, frameBytes, queueBytes, held);
  }
}
