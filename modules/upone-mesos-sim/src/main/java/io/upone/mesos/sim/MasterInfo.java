package io.upone.mesos.sim;

import org.apache.mesos.v1.Protos;

/** The {@code MasterInfo} a SUBSCRIBED event carries. */
final class MasterInfo {
  static final String VERSION = "1.11.0";

  private MasterInfo() {}

  static Protos.MasterInfo of(SimCluster cluster) {
    String host = cluster.options.host();
    return Protos.MasterInfo.newBuilder().setId(cluster.masterId).setIp(0x7f000001).setPort(cluster.port)
        .setHostname(host).setVersion(VERSION)
        .setAddress(Protos.Address.newBuilder().setHostname(host).setIp(host).setPort(cluster.port))
        .build();
  }
}
