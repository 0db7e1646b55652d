package io.upone.mesos.sim;

/**
 * Where simulated agent N lives: its own loopback address, 127.0.0.2 upwards (127.0.0.1 is left
 * to the master), skipping x.x.x.0 and x.x.x.255. Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so each address can be bound and resolves as it is written; it is also the agent's
 * hostname, so hostname constraints see one host per agent and a framework can reach it.
 */
final class AgentAddress {
  private static final int PER_BLOCK = 253;
  static final int MAX_AGENTS = PER_BLOCK * 256;
  /** The agent's port when it serves no endpoints: Mesos's default agent port. */
  static final int NOMINAL_PORT = 5051;

  private AgentAddress() {}

  static String of(int n) {
    if (n < 0 || n >= MAX_AGENTS) throw new IllegalArgumentException("no loopback address for agent " + n);
    return "127.0." + (n / PER_BLOCK) + "." + (n % PER_BLOCK + 2);
  }
}
