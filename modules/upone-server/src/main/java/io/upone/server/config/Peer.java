package io.upone.server.config;

/** One member of the raft group: where its raft RPC listens and where its HTTP API answers. */
public record Peer(String raftEndpoint, String httpUrl) {

  /** Parses {@code host:raftPort/httpPort}. */
  public static Peer parse(String spec) {
    String s = spec.trim();
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':', slash < 0 ? s.length() : slash);
    if (slash < 0 || colon < 0) {
      throw new IllegalArgumentException("peer '" + spec + "' must look like host:raftPort/httpPort");
    }
    String host = s.substring(0, colon);
    int raftPort = port(s.substring(colon + 1, slash), spec);
    int httpPort = port(s.substring(slash + 1), spec);
    return new Peer(host + ":" + raftPort, "http://" + host + ":" + httpPort);
  }

  private static int port(String p, String spec) {
    try {
      int v = Integer.parseInt(p);
      if (v < 1 || v > 65535) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer '" + spec + "' has an invalid port '" + p + "'");
    }
  }
}
