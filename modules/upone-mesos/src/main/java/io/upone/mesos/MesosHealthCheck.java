package io.upone.mesos;

import io.upone.core.proto.HealthCheck;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos;

/**
 * An app's health check as Mesos runs it ({@code TaskInfo.health_check}, checked by the agent's
 * executor; the verdict comes back in status updates' {@code healthy}). Mesos takes one check
 * per task: the first of the app's.
 */
final class MesosHealthCheck {
  private MesosHealthCheck() {}

  static Optional<Protos.HealthCheck> of(List<HealthCheck> checks, List<Integer> hostPorts) {
    if (checks.isEmpty()) return Optional.empty();
    HealthCheck c = checks.get(0);
    Protos.HealthCheck.Builder h = Protos.HealthCheck.newBuilder()
        .setDelaySeconds(c.getDelaySeconds()).setIntervalSeconds(c.getIntervalSeconds())
        .setTimeoutSeconds(c.getTimeoutSeconds()).setGracePeriodSeconds(c.getGracePeriodSeconds())
        .setConsecutiveFailures(c.getMaxConsecutiveFailures());
    int port = c.getPort() != 0 ? c.getPort() : c.getPortIndex() < hostPorts.size() ? hostPorts.get(c.getPortIndex()) : 0;
    switch (c.getProtocol().replace("MESOS_", "")) {
      case "HTTP", "HTTPS" -> h.setType(Protos.HealthCheck.Type.HTTP).setHttp(Protos.HealthCheck.HTTPCheckInfo.newBuilder()
          .setScheme(c.getProtocol().endsWith("HTTPS") ? "https" : "http").setPort(port)
          .setPath(c.getPath().isEmpty() ? "/" : c.getPath()));
      case "TCP" -> h.setType(Protos.HealthCheck.Type.TCP).setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(port));
      default -> h.setType(Protos.HealthCheck.Type.COMMAND).setCommand(Protos.CommandInfo.newBuilder().setShell(true)
          .setValue(c.getCommand()));
    }
    return Optional.of(h.build());
  }
}
