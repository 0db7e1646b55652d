package io.upone.mesos.sim;

import java.util.BitSet;
import java.util.List;
import org.apache.mesos.v1.Protos;

/** One simulated agent: what it has, what tasks and offers hold, whether it is reachable. */
final class SimAgent {
  enum Health { ACTIVE, UNREACHABLE, GONE }

  final String id;
  /** Its own loopback address (see {@link AgentAddress}); also its hostname. */
  final String ip;
  final String hostname;
  /** The port of its HTTP endpoints (nominal 5051 when it serves none). */
  int port = AgentAddress.NOMINAL_PORT;
  final long registeredAtMs = System.currentTimeMillis();
  final List<Protos.Attribute> attributes;
  final double cpus;
  final double mem;
  final double disk;
  final int portBegin;
  final int portEnd;
  double usedCpus;
  double usedMem;
  double usedDisk;
  final BitSet usedPorts = new BitSet();
  /** The outstanding offer of this agent's free resources, or null. */
  String offeredAs;
  Health health = Health.ACTIVE;

  SimAgent(String id, String ip, List<Protos.Attribute> attributes, double cpus, double mem, double disk,
           int portBegin, int portEnd) {
    this.id = id;
    this.ip = ip;
    this.hostname = ip;
    this.attributes = List.copyOf(attributes);
    this.cpus = cpus;
    this.mem = mem;
    this.disk = disk;
    this.portBegin = portBegin;
    this.portEnd = portEnd;
  }

  /** The libprocess pid of the agent process, as Mesos prints it. */
  String pid() {
    return "slave(1)@" + ip + ":" + port;
  }

  double freeCpus() {
    return round(cpus - usedCpus);
  }

  double freeMem() {
    return round(mem - usedMem);
  }

  double freeDisk() {
    return round(disk - usedDisk);
  }

  boolean portFree(int p) {
    return p >= portBegin && p <= portEnd && !usedPorts.get(p - portBegin);
  }

  void hold(double c, double m, double d, List<Integer> ports) {
    usedCpus = round(usedCpus + c);
    usedMem = round(usedMem + m);
    usedDisk = round(usedDisk + d);
    for (int p : ports) usedPorts.set(p - portBegin);
  }

  void release(double c, double m, double d, List<Integer> ports) {
    usedCpus = Math.max(0, round(usedCpus - c));
    usedMem = Math.max(0, round(usedMem - m));
    usedDisk = Math.max(0, round(usedDisk - d));
    for (int p : ports) usedPorts.clear(p - portBegin);
  }

  /** Free ports as Mesos ranges. */
  Protos.Value.Ranges freePorts() {
    return ports(false);
  }

  /** Ports tasks hold, as Mesos ranges. */
  Protos.Value.Ranges usedPorts() {
    return ports(true);
  }

  private Protos.Value.Ranges ports(boolean used) {
    Protos.Value.Ranges.Builder r = Protos.Value.Ranges.newBuilder();
    int i = portBegin;
    while (i <= portEnd) {
      if (usedPorts.get(i - portBegin) != used) {
        i++;
        continue;
      }
      int start = i;
      while (i <= portEnd && usedPorts.get(i - portBegin) == used) i++;
      r.addRange(Protos.Value.Range.newBuilder().setBegin(start).setEnd(i - 1));
    }
    return r.build();
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
