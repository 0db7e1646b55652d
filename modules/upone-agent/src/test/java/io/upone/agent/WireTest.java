package io.upone.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {
  @Test
  void aLaunchWithItsContainerSurvivesTheWire() {
    TaskContainer c = new TaskContainer("BRIDGE", List.of(new TaskContainer.PortMap(80, "tcp"), new TaskContainer.PortMap(53, "udp")),
        List.of(new TaskContainer.Mount("/etc/localtime", "/etc/localtime", true), new TaskContainer.Mount("/data", "/srv/d", false)),
        List.of(new TaskContainer.Param("label", "a=b"), new TaskContainer.Param("label", "c=d")), false, true, Map.of("team", "web"));
    TaskLaunch l = new TaskLaunch("t1", "/a", 3, "ag", "", List.of("x"), "nginx:1", Map.of("K", "V"), 0.5, 64, 0,
        List.of(31000, 31001), 5, c);
    assertEquals(l, Wire.launch(new JsonObject(Wire.launch(l).encode())));
    // a master that sends no container details: host networking
    JsonObject old = Wire.launch(l);
    old.remove("container");
    assertEquals(TaskContainer.HOST, Wire.launch(old).container());
  }
}
