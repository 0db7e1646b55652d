package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesTest {
  @Test
  void parsesTheAgentFlags() {
    Resources r = Resources.parse("cpus:4;mem:8192;disk:100;ports:[31000-32000,33000-33010]");
    assertEquals(4, r.cpus());
    assertEquals(8192, r.mem());
    assertEquals(List.of(new PortRange(31000, 32000), new PortRange(33000, 33010)), r.ports());
    assertEquals(Map.of("rack", "a", "zone", "hz"), AgentConfig.parseAttributes("rack:a;zone:hz"));
  }

  @Test
  void badFlagsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Resources.parse("cpu:4")).getMessage().contains("cpu"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Resources.parse("mem:lots")).getMessage().contains("mem"));
    assertThrows(IllegalArgumentException.class, () -> Resources.parse("ports:[32000-31000]"));
    assertThrows(IllegalArgumentException.class, () -> AgentConfig.parseAttributes("rack"));
  }
}
