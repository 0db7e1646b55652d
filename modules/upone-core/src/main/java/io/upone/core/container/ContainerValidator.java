package io.upone.core.container;

import io.upone.core.FieldError;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.Parameter;
import io.upone.core.proto.PortMapping;
import io.upone.core.proto.Volume;
import java.util.List;

/** The container part of an app: image, volumes, parameters, privileges and what needs an image. */
public final class ContainerValidator {
  private ContainerValidator() {}

  public static void validate(AppSpec s, ContainerPolicy policy, List<FieldError> e) {
    Container c = s.getContainer();
    boolean hasImage = !c.getImage().isEmpty();
    if (s.hasContainer() && c.getType() == Container.Type.DOCKER && hasImage) {
      ImageReference.problem(c.getImage()).ifPresent(r -> e.add(new FieldError("container.docker.image", r)));
    }
    if (!hasImage && s.getNetworkMode() != NetworkMode.HOST) {
      e.add(new FieldError("container.docker.image", "is required with " + s.getNetworkMode() + " networking:"
          + " only a container has a network of its own"));
    }
    if (s.getNetworkMode() == NetworkMode.NONE && s.getPortDefinitionsCount() > 0) {
      e.add(new FieldError("portDefinitions", "must be empty with network NONE"));
    }
    if (s.getNetworkMode() == NetworkMode.BRIDGE) {
      for (int i = 0; i < c.getPortMappingsCount(); i++) {
        PortMapping m = c.getPortMappings(i);
        if (m.getContainerPort() == 0) {
          e.add(new FieldError("container.portMappings[" + i + "].containerPort",
              "is required: the port the container listens on"));
        }
      }
    }
    for (int i = 0; i < c.getVolumesCount(); i++) volume(c.getVolumes(i), hasImage, policy, "container.volumes[" + i + "]", e);
    if (c.getPrivileged() && !policy.allowPrivileged()) {
      e.add(new FieldError("container.docker.privileged", "privileged containers are not allowed here"
          + " (the server's UPONE_ALLOW_PRIVILEGED is not true)"));
    }
    if (c.getParametersCount() > 0 && !hasImage) {
      e.add(new FieldError("container.docker.parameters", "need container.docker.image"));
    }
    for (int i = 0; i < c.getParametersCount(); i++) {
      Parameter p = c.getParameters(i);
      String field = "container.docker.parameters[" + i + "]";
      if (!DockerParameters.known(p.getKey())) {
        DockerParameters.valueProblem(p.getKey(), p.getValue()).ifPresent(r -> e.add(new FieldError(field + ".key", r)));
        continue;
      }
      DockerParameters.valueProblem(p.getKey(), p.getValue()).ifPresent(r -> e.add(new FieldError(field + ".value", r)));
      if (p.getKey().equals(DockerParameters.CAP_ADD) && !policy.allowPrivileged()) {
        e.add(new FieldError(field + ".key", "--cap-add needs privileges, which are not allowed here"));
      }
    }
  }

  private static void volume(Volume v, boolean hasImage, ContainerPolicy policy, String p, List<FieldError> e) {
    if (!v.getContainerPath().startsWith("/")) {
      e.add(new FieldError(p + ".containerPath", "must be an absolute path, not '" + v.getContainerPath() + "'"));
    }
    if (v.getHostPath().isEmpty()) {
      if (hasImage) e.add(new FieldError(p + ".hostPath", "is required: the host directory or file to mount"));
      return;
    }
    policy.hostPathProblem(v.getHostPath()).ifPresent(r -> e.add(new FieldError(p + ".hostPath", r)));
  }
}
