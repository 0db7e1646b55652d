package io.upone.core.driver;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.Parameter;
import io.upone.core.proto.PortMapping;
import io.upone.core.proto.Protocol;
import io.upone.core.proto.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to run a launch's image: what an agent's container executor needs beyond the command,
 * resources and host ports of {@link TaskLaunch}. Port mappings line up with the launch's host
 * ports by index (BRIDGE); with HOST networking the task binds its host ports itself.
 *
 * @param network HOST, BRIDGE or NONE
 */
public record TaskContainer(String network, List<PortMap> portMappings, List<Mount> volumes, List<Param> parameters,
                            boolean privileged, boolean forcePullImage, Map<String, String> labels) {
  /** No container details: host networking, nothing mounted (processes, and launches built without an app). */
  public static final TaskContainer HOST = new TaskContainer("HOST", List.of(), List.of(), List.of(), false, false, Map.of());

  public TaskContainer {
    portMappings = List.copyOf(portMappings);
    volumes = List.copyOf(volumes);
    parameters = List.copyOf(parameters);
    labels = Map.copyOf(labels);
  }

  /** A container port and its protocol ("tcp" or "udp"). */
  public record PortMap(int containerPort, String protocol) {}

  public record Mount(String containerPath, String hostPath, boolean readOnly) {}

  /** One {@code docker run --key value}. */
  public record Param(String key, String value) {}

  /** The container details of an app (validated: see io.upone.core.container.ContainerValidator). */
  public static TaskContainer of(AppSpec app) {
    Container c = app.getContainer();
    List<PortMap> ports = new ArrayList<>();
    if (app.getNetworkMode() == NetworkMode.BRIDGE) {
      for (PortMapping m : c.getPortMappingsList()) {
        ports.add(new PortMap(m.getContainerPort(), m.getProtocol() == Protocol.UDP ? "udp" : "tcp"));
      }
    }
    List<Mount> volumes = new ArrayList<>();
    for (Volume v : c.getVolumesList()) {
      // an unspecified mode mounts read-only: a container writes to the host only when asked to
      volumes.add(new Mount(v.getContainerPath(), v.getHostPath(), v.getMode() != Volume.Mode.RW));
    }
    List<Param> params = new ArrayList<>();
    for (Parameter p : c.getParametersList()) params.add(new Param(p.getKey(), p.getValue()));
    String network = switch (app.getNetworkMode()) {
      case BRIDGE -> "BRIDGE";
      case NONE -> "NONE";
      default -> "HOST";
    };
    return new TaskContainer(network, ports, volumes, params, c.getPrivileged(), c.getForcePullImage(), app.getLabelsMap());
  }
}
