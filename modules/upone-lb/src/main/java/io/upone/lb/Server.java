package io.upone.lb;

/**
 * One server of an upstream: an IP literal, a port and a weight, and the task behind it (empty
 * when read back from a load balancer, which does not know tasks). Read back from an LB, a
 * weight of 0 marks a server that is there but not taking traffic (HAProxy drain/maint), so it
 * never equals a desired server and a resync finishes what was left half-done.
 */
public record Server(String host, int port, int weight, String taskId) {
  public Server {
    if (taskId == null) taskId = "";
  }

  /** host:port ({@code [v6]:port} for IPv6): what identifies a server on every load balancer. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Same address and weight: what a load balancer can confirm. */
  public boolean sameOnLb(Server o) {
    return host.equals(o.host) && port == o.port && weight == o.weight;
  }
}
