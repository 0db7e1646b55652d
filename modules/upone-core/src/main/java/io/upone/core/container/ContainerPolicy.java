package io.upone.core.container;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What containers may ask of a machine: whether privileged containers (and added capabilities)
 * are allowed, and which host paths may be mounted. The API checks apps against the cluster's
 * policy; each agent checks launches against its own, since it owns the machine.
 *
 * @param volumeRoots    host paths a volume must be at or under; empty means any path that is not forbidden
 * @param forbiddenPaths host paths a volume may be neither at nor under (kernel and runtime files, the engine socket)
 */
public record ContainerPolicy(boolean allowPrivileged, List<String> volumeRoots, List<String> forbiddenPaths) {
  /** Paths no container gets by default: a mount there is a way out of the container. */
  public static final List<String> FORBIDDEN = List.of("/", "/proc", "/sys", "/dev", "/run", "/var/run", "/boot");
  /** No privileges, any host path outside {@link #FORBIDDEN}. */
  public static final ContainerPolicy DEFAULT = new ContainerPolicy(false, List.of(), FORBIDDEN);

  public ContainerPolicy {
    volumeRoots = List.copyOf(volumeRoots);
    forbiddenPaths = List.copyOf(forbiddenPaths);
  }

  /**
   * The policy set by the environment of the process: {@code UPONE_ALLOW_PRIVILEGED=true},
   * {@code UPONE_VOLUME_ROOTS=/srv,/etc/localtime} (comma separated). Unset means {@link #DEFAULT}.
   */
  public static ContainerPolicy fromEnvironment(Map<String, String> env) {
    boolean privileged = "true".equalsIgnoreCase(env.getOrDefault("UPONE_ALLOW_PRIVILEGED", "").trim());
    List<String> roots = Arrays.stream(env.getOrDefault("UPONE_VOLUME_ROOTS", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    return new ContainerPolicy(privileged, roots, FORBIDDEN);
  }

  /** The same policy with more forbidden paths (an agent adds its engine's socket). */
  public ContainerPolicy forbidding(String path) {
    List<String> more = new java.util.ArrayList<>(forbiddenPaths);
    more.add(path);
    return new ContainerPolicy(allowPrivileged, volumeRoots, more);
  }

  /** Why a volume may not mount {@code hostPath}, or empty when it may. */
  public Optional<String> hostPathProblem(String hostPath) {
    if (!hostPath.startsWith("/")) return Optional.of("must be an absolute path, not '" + hostPath + "'");
    String normal = Path.of(hostPath).normalize().toString();
    if (!normal.equals(hostPath.length() > 1 && hostPath.endsWith("/") ? hostPath.substring(0, hostPath.length() - 1) : hostPath)) {
      return Optional.of("must be a normalised path (no '.', '..' or '//'), not '" + hostPath + "'");
    }
    for (String f : forbiddenPaths) {
      if (at(normal, f) && (!f.equals("/") || normal.equals("/"))) {
        return Optional.of("'" + hostPath + "' is " + (normal.equals(f) ? "" : "under ") + f + ", which containers may not mount");
      }
    }
    if (!volumeRoots.isEmpty() && volumeRoots.stream().noneMatch(r -> at(normal, r))) {
      return Optional.of("'" + hostPath + "' is outside the paths containers may mount: " + String.join(", ", volumeRoots));
    }
    return Optional.empty();
  }

  private static boolean at(String path, String root) {
    return path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/");
  }
}
