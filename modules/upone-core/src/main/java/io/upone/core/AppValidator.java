package io.upone.core;

import io.upone.core.container.ContainerPolicy;
import io.upone.core.container.ContainerValidator;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.PortMapping;
import io.upone.core.proto.ReadinessCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import io.upone.core.zone.Publication;

/** Checks what an app spec means (types were checked while reading JSON). Returns every error at once. */
public final class AppValidator {
  public static final Set<String> OPERATORS = Set.of("UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS");
  /** Constraint fields starting with this name a task label, not an agent attribute. */
  public static final String TASK_FIELD = "task:";
  private static final Set<String> HEALTH_PROTOCOLS =
      Set.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_HTTP", "MESOS_HTTPS", "MESOS_TCP");
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$");

  private AppValidator() {}

  /** The cluster's container policy, from this process's environment (see {@link ContainerPolicy#fromEnvironment}). */
  private static final ContainerPolicy POLICY = ContainerPolicy.fromEnvironment(System.getenv());

  public static List<FieldError> validate(AppSpec s) {
    return validate(s, POLICY);
  }

  public static List<FieldError> validate(AppSpec s, ContainerPolicy policy) {
    List<FieldError> e = new ArrayList<>();
    AppId.problem(s.getId()).ifPresent(r -> e.add(new FieldError("id", r)));
    ConsulLabels.problem(s).ifPresent(e::add);
    boolean hasImage = s.hasContainer() && !s.getContainer().getImage().isEmpty();
    if (s.getCmd().isBlank() && s.getArgsCount() == 0 && !hasImage) {
      e.add(new FieldError("cmd", "one of cmd, args or container.docker.image is required"));
    }
    if (!s.getCmd().isEmpty() && s.getArgsCount() > 0) e.add(new FieldError("args", "give cmd or args, not both"));
    if (s.getCpus() <= 0) e.add(new FieldError("cpus", "must be greater than 0"));
    if (s.getMem() <= 0) e.add(new FieldError("mem", "must be greater than 0"));
    if (s.getDisk() < 0) e.add(new FieldError("disk", "must not be negative"));
    if (s.getBackoffSeconds() < 0) e.add(new FieldError("backoffSeconds", "must not be negative"));
    if (s.getBackoffFactor() < 1) e.add(new FieldError("backoffFactor", "must be at least 1"));
    if (s.getMaxLaunchDelaySeconds() < 0) e.add(new FieldError("maxLaunchDelaySeconds", "must not be negative"));
    Amounts.atMost(s.getCpus(), Amounts.MAX_CPUS, "cpus", e);
    Amounts.atMost(s.getMem(), Amounts.MAX_MEM, "mem", e);
    Amounts.atMost(s.getDisk(), Amounts.MAX_DISK, "disk", e);
    Amounts.atMost(s.getBackoffSeconds(), Amounts.MAX_SECONDS, "backoffSeconds", e);
    Amounts.atMost(s.getBackoffFactor(), Amounts.MAX_BACKOFF_FACTOR, "backoffFactor", e);
    Amounts.atMost(s.getMaxLaunchDelaySeconds(), Amounts.MAX_SECONDS, "maxLaunchDelaySeconds", e);
    double minHealth = s.getUpgradeStrategy().getMinimumHealthCapacity();
    double maxOver = s.getUpgradeStrategy().getMaximumOverCapacity();
    if (minHealth < 0 || minHealth > 1) e.add(new FieldError("upgradeStrategy.minimumHealthCapacity", "must be between 0 and 1"));
    if (maxOver < 0 || maxOver > 1) e.add(new FieldError("upgradeStrategy.maximumOverCapacity", "must be between 0 and 1"));
    if (minHealth == 1 && maxOver == 0 && s.getUpgradeStrategy().getKind() != io.upone.core.proto.DeploymentKind.BLUE_GREEN) {
      e.add(new FieldError("upgradeStrategy", "minimumHealthCapacity 1 with maximumOverCapacity 0 leaves no room to "
          + "replace a task: lower one or raise the other"));
    }
    if (s.getUpgradeStrategy().getKind() == io.upone.core.proto.DeploymentKind.CANARY
        && s.getUpgradeStrategy().getCanaryInstances() == 0) {
      e.add(new FieldError("upgradeStrategy.canaryInstances", "must be at least 1 for a canary deployment"));
    }
    EnvNames.check(s.getEnvMap().keySet(), "env", e);
    ports(s, e);
    ContainerValidator.validate(s, policy, e);
    for (int i = 0; i < s.getConstraintsCount(); i++) constraint(s.getConstraints(i), "constraints[" + i + "]", e);
    for (int i = 0; i < s.getHealthChecksCount(); i++) healthCheck(s, s.getHealthChecks(i), "healthChecks[" + i + "]", e);
    for (int i = 0; i < s.getReadinessChecksCount(); i++) {
      readinessCheck(s, s.getReadinessChecks(i), "readinessChecks[" + i + "]", e);
    }
    if (s.hasLoadBalancer()) loadBalancer(s, e);
    AlertRoute.validate(s.getAlertChannel(), s.getAlertWebhook(), e);
    return e;
  }

  private static void loadBalancer(AppSpec s, List<FieldError> e) {
    io.upone.core.proto.LoadBalancer lb = s.getLoadBalancer();
    if (!Publication.UPSTREAM.matcher(lb.getUpstream()).matches()) {
      // load balancers route by the lowercased Host header: an upper-case name would never be matched
      e.add(new FieldError("loadBalancer.upstream",
          "must be 1-128 lowercase letters, digits, '_', '.' or '-', starting and ending with a letter or digit"));
    }
    if (!lb.getZone().isEmpty() && !Publication.ZONE.matcher(lb.getZone()).matches()) {
      e.add(new FieldError("loadBalancer.zone", "must be 1-63 lowercase letters, digits or '-'"));
    }
    for (int i = 0; i < lb.getZonesCount(); i++) {
      if (!Publication.ZONE.matcher(lb.getZones(i)).matches()) {
        e.add(new FieldError("loadBalancer.zones[" + i + "]", "must be 1-63 lowercase letters, digits or '-'"));
      }
    }
    if (!Publication.zones(s).isEmpty() && lb.getPortIndex() >= portCount(s)) {
      e.add(new FieldError("loadBalancer.portIndex", "the app has " + portCount(s) + " ports; no port index " + lb.getPortIndex()));
    }
  }

  /** Number of ports a task of this app gets (host ports or port mappings). */
  public static int portCount(AppSpec s) {
    return s.getNetworkMode() == NetworkMode.BRIDGE ? s.getContainer().getPortMappingsCount() : s.getPortDefinitionsCount();
  }

  private static void ports(AppSpec s, List<FieldError> e) {
    List<PortMapping> mappings = s.getContainer().getPortMappingsList();
    if (s.getNetworkMode() == NetworkMode.BRIDGE) {
      if (s.getPortDefinitionsCount() > 0) {
        e.add(new FieldError("portDefinitions", "must be empty with network mode container/bridge; use container.portMappings"));
      }
      Map<String, Integer> containerPorts = new HashMap<>();
      Map<Integer, Integer> hostPorts = new HashMap<>();
      Map<String, Integer> names = new HashMap<>();
      for (int i = 0; i < mappings.size(); i++) {
        PortMapping m = mappings.get(i);
        String p = "container.portMappings[" + i + "]";
        if (m.getContainerPort() != 0) {
          Integer prev = containerPorts.putIfAbsent(m.getContainerPort() + "/" + m.getProtocol(), i);
          if (prev != null) e.add(new FieldError(p + ".containerPort", "duplicate container port " + m.getContainerPort() + " (also in portMappings[" + prev + "])"));
        }
        if (m.getHostPort() != 0) {
          Integer prev = hostPorts.putIfAbsent(m.getHostPort(), i);
          if (prev != null) e.add(new FieldError(p + ".hostPort", "duplicate host port " + m.getHostPort() + " (also in portMappings[" + prev + "])"));
        }
        name(m.getName(), p + ".name", names, i, e);
      }
    } else {
      if (!mappings.isEmpty()) {
        e.add(new FieldError("container.portMappings", "require network mode container/bridge; use portDefinitions with host networking"));
      }
      Map<Integer, Integer> seen = new HashMap<>();
      Map<String, Integer> names = new HashMap<>();
      for (int i = 0; i < s.getPortDefinitionsCount(); i++) {
        PortDefinition d = s.getPortDefinitions(i);
        String p = "portDefinitions[" + i + "]";
        if (d.getPort() != 0) {
          Integer prev = seen.putIfAbsent(d.getPort(), i);
          if (prev != null) e.add(new FieldError(p + ".port", "duplicate port " + d.getPort() + " (also in portDefinitions[" + prev + "])"));
        } else if (s.getRequirePorts()) {
          e.add(new FieldError(p + ".port", "must be a fixed port when requirePorts is true"));
        }
        name(d.getName(), p + ".name", names, i, e);
      }
    }
  }

  private static void name(String name, String field, Map<String, Integer> names, int i, List<FieldError> e) {
    if (name.isEmpty()) return;
    if (!NAME.matcher(name).matches()) {
      e.add(new FieldError(field, "must be lowercase letters, digits and '-'"));
    } else if (names.putIfAbsent(name, i) != null) {
      e.add(new FieldError(field, "duplicate port name '" + name + "'"));
    }
  }

  public static void constraint(Constraint c, String p, List<FieldError> e) {
    if (c.getField().isBlank()) e.add(new FieldError(p, "field must not be empty"));
    String op = c.getOperator();
    if (!OPERATORS.contains(op)) {
      e.add(new FieldError(p, "unknown operator '" + op + "'; use one of CLUSTER, GROUP_BY, IS, LIKE, MAX_PER, UNIQUE, UNLIKE"));
      return;
    }
    String v = c.getValue();
    if (c.getField().startsWith(TASK_FIELD)) {
      // task-attribute rules: next to / away from tasks whose label matches (upone, see placement.md)
      if (c.getField().length() == TASK_FIELD.length()) e.add(new FieldError(p, "task: must name a label key, e.g. task:team"));
      if (!op.equals("LIKE") && !op.equals("UNLIKE")) {
        e.add(new FieldError(p, "a task:<label> field takes LIKE (next to) or UNLIKE (away from), not " + op));
        return;
      }
    }
    switch (op) {
      case "UNIQUE" -> {
        if (!v.isEmpty()) e.add(new FieldError(p, "UNIQUE takes no value"));
      }
      case "GROUP_BY" -> {
        if (!v.isEmpty() && !positiveInt(v)) e.add(new FieldError(p, "GROUP_BY value must be a positive integer (the number of groups)"));
      }
      case "MAX_PER" -> {
        if (!positiveInt(v)) e.add(new FieldError(p, "MAX_PER value must be a positive integer"));
      }
      case "LIKE", "UNLIKE" -> {
        if (v.isEmpty()) e.add(new FieldError(p, op + " requires a regular expression value"));
        else {
          try {
            Pattern.compile(v);
          } catch (PatternSyntaxException ex) {
            e.add(new FieldError(p, op + " value is not a valid regular expression: " + ex.getDescription()));
          }
        }
      }
      default -> { // CLUSTER, IS
        if (v.isEmpty()) e.add(new FieldError(p, op + " requires a value"));
      }
    }
  }

  private static boolean positiveInt(String v) {
    try {
      return Integer.parseInt(v) > 0;
    } catch (NumberFormatException ex) {
      return false;
    }
  }

  private static void healthCheck(AppSpec s, HealthCheck h, String p, List<FieldError> e) {
    if (!HEALTH_PROTOCOLS.contains(h.getProtocol())) {
      e.add(new FieldError(p + ".protocol", "must be one of COMMAND, HTTP, HTTPS, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP, TCP"));
      return;
    }
    if (h.getProtocol().equals("COMMAND")) {
      if (h.getCommand().isBlank()) e.add(new FieldError(p + ".command", "is required for COMMAND health checks"));
      return;
    }
    if (h.getPort() == 0 && h.getPortIndex() >= portCount(s)) {
      e.add(new FieldError(p + ".portIndex", "is " + h.getPortIndex() + " but the app has " + portCount(s) + " port(s)"));
    }
    if (h.getProtocol().contains("HTTP") && !h.getPath().isEmpty() && !h.getPath().startsWith("/")) {
      e.add(new FieldError(p + ".path", "must start with '/'"));
    }
    if (h.getTimeoutSeconds() >= h.getIntervalSeconds()) {
      e.add(new FieldError(p + ".timeoutSeconds", "must be less than intervalSeconds"));
    }
  }

  private static void readinessCheck(AppSpec s, ReadinessCheck r, String p, List<FieldError> e) {
    if (!r.getProtocol().equals("HTTP") && !r.getProtocol().equals("HTTPS")) {
      e.add(new FieldError(p + ".protocol", "must be HTTP or HTTPS"));
    }
    if (r.getPortIndex() >= portCount(s)) {
      e.add(new FieldError(p + ".portIndex", "is " + r.getPortIndex() + " but the app has " + portCount(s) + " port(s)"));
    }
    if (!r.getPath().startsWith("/")) e.add(new FieldError(p + ".path", "must start with '/'"));
    if (r.getTimeoutSeconds() >= r.getIntervalSeconds()) {
      e.add(new FieldError(p + ".timeoutSeconds", "must be less than intervalSeconds"));
    }
    if (r.getName().isBlank()) e.add(new FieldError(p + ".name", "must not be blank"));
  }
}
