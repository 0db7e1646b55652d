package io.upone.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.HealthCheck;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.Test;

class MesosHealthCheckTest {
  @Test
  void anHttpCheckProbesTheTasksHostPort() {
    Protos.HealthCheck h = MesosHealthCheck.of(List.of(HealthCheck.newBuilder().setProtocol("MESOS_HTTP").setPath("/health")
        .setPortIndex(1).setIntervalSeconds(10).setTimeoutSeconds(5).setGracePeriodSeconds(30).setMaxConsecutiveFailures(3)
        .setDelaySeconds(2).build()), List.of(31000, 31001)).orElseThrow();
    assertEquals(Protos.HealthCheck.Type.HTTP, h.getType());
    assertEquals(31001, h.getHttp().getPort());
    assertEquals("/health", h.getHttp().getPath());
    assertEquals("http", h.getHttp().getScheme());
    assertEquals(10, h.getIntervalSeconds());
    assertEquals(5, h.getTimeoutSeconds());
    assertEquals(30, h.getGracePeriodSeconds());
    assertEquals(3, h.getConsecutiveFailures());
    assertEquals(2, h.getDelaySeconds());
  }

  @Test
  void tcpAndCommandChecks() {
    assertEquals(31000, MesosHealthCheck.of(List.of(HealthCheck.newBuilder().setProtocol("TCP").build()), List.of(31000))
        .orElseThrow().getTcp().getPort());
    Protos.HealthCheck c = MesosHealthCheck.of(List.of(HealthCheck.newBuilder().setProtocol("COMMAND")
        .setCommand("test -f ready").build()), List.of()).orElseThrow();
    assertEquals(Protos.HealthCheck.Type.COMMAND, c.getType());
    assertEquals("test -f ready", c.getCommand().getValue());
    assertTrue(MesosHealthCheck.of(List.of(), List.of()).isEmpty());
  }
}
