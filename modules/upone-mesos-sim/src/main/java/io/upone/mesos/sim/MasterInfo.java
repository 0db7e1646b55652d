package io.upone.mesos.sim;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.mesos.v1.Protos;

/**
 * Who the master is, as Mesos's {@code createMasterInfo} ({@code src/common/protobuf_utils.cpp})
 * builds it: {@code pid} {@code master@ip:port}; {@code ip} the IPv4 address's {@code s_addr}
 * (network byte order) read as a uint32 on a little-endian host, so 127.0.0.1 is 0x0100007F
 * (MESOS-1201); {@code hostname} the address's reverse lookup; {@code address} ip, hostname
 * and port; the master capabilities of 1.11 ({@code src/master/constants.cpp}) the v1 API can name.
 */
final class MasterInfo {
  static final String VERSION = "1.11.0";
  final String ip;
  final String hostname;

  private MasterInfo(String ip, String hostname) {
    this.ip = ip;
    this.hostname = hostname;
  }

  /**
   * The address a framework reaches this master on: {@code --host} resolved (the wildcard means
   * this host's address). Resolving may block: call it off the event loop.
   */
  static MasterInfo of(String host) {
    InetAddress a;
    try {
      a = InetAddress.getByName(host);
      if (a.isAnyLocalAddress()) a = InetAddress.getLocalHost();
    } catch (UnknownHostException e) {
      a = InetAddress.getLoopbackAddress();
    }
    String name = host;
    if (Character.isDigit(host.charAt(0)) || host.contains(":")) name = a.getCanonicalHostName(); // an IP literal
    return new MasterInfo(a.getHostAddress(), name);
  }

  String pid(int port) {
    return "master@" + ip + ":" + port;
  }

  /** {@code s_addr} as Mesos stores it: the address bytes in network order, read as a little-endian uint32. */
  static int networkOrderIp(String ip) {
    try {
      InetAddress a = InetAddress.getByName(ip);
      if (!(a instanceof Inet4Address)) return 0; // MasterInfo.ip holds IPv4 only; address.ip has the real one
      byte[] b = a.getAddress();
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    } catch (UnknownHostException e) {
      return 0;
    }
  }

  Protos.MasterInfo proto(String masterId, int port) {
    Protos.MasterInfo.Builder b = Protos.MasterInfo.newBuilder().setId(masterId).setIp(networkOrderIp(ip)).setPort(port)
        .setPid(pid(port)).setHostname(hostname).setVersion(VERSION)
        .setAddress(Protos.Address.newBuilder().setHostname(hostname).setIp(ip).setPort(port));
    // QUOTA_V2, the third capability of 1.11, has no value in the v1 API's enum
    for (Protos.MasterInfo.Capability.Type t : new Protos.MasterInfo.Capability.Type[] {
        Protos.MasterInfo.Capability.Type.AGENT_UPDATE, Protos.MasterInfo.Capability.Type.AGENT_DRAINING}) {
      b.addCapabilities(Protos.MasterInfo.Capability.newBuilder().setType(t));
    }
    return b.build();
  }
}
