package io.upone.core.driver;

/** An inclusive range of host ports an agent offers, e.g. 31000-32000. */
public record PortRange(int begin, int end) {
  public PortRange {
    if (begin < 1 || end > 65535 || begin > end) throw new IllegalArgumentException("bad port range " + begin + "-" + end);
  }

  public int size() {
    return end - begin + 1;
  }

  public boolean contains(int port) {
    return port >= begin && port <= end;
  }
}
