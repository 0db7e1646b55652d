package io.upone.core.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.Container;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.ReadinessCheck;
import io.upone.core.proto.LoadBalancer;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.Parameter;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.PortMapping;
import io.upone.core.proto.Protocol;
import io.upone.core.proto.UpgradeStrategy;
import io.upone.core.proto.Volume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of an app: Marathon's app definition wherever the concept is the same, plus
 * upone's own fields ({@code loadBalancer}, {@code alerts}; the older {@code alertChannel} is still read). Reading collects every type
 * error and unknown field; meaning is checked by {@link io.upone.core.AppValidator}.
 */
public final class AppJson {
  /** Strict: a key given twice is an error, not "last one wins". */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  // Marathon's defaults for fields a definition leaves out.
  public static final double DEFAULT_CPUS = 1.0;
  public static final double DEFAULT_MEM = 128.0;
  public static final double DEFAULT_BACKOFF_SECONDS = 1.0;
  public static final double DEFAULT_BACKOFF_FACTOR = 1.15;
  public static final double DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 300.0;

  private AppJson() {}

  /** What reading a body produced: a spec with defaults filled in, or the errors found. */
  public record Read(AppSpec spec, List<FieldError> errors, boolean versionGiven) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Parses text; malformed JSON is a problem of its own (there are no fields to name). */
  public static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw Problem.invalid("$", "request body must be a JSON object").asFailure();
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null) throw Problem.invalid("$", "request body must be a JSON object").asFailure();
      return node;
    } catch (IOException e) {
      String detail = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      throw new Problem(Problem.Kind.INVALID, "malformed_json", "request body is not valid JSON: " + detail,
          List.of(new FieldError("$", "malformed JSON: " + detail))).asFailure();
    }
  }

  public static Read read(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    AppSpec.Builder b = AppSpec.newBuilder()
        .setCpus(DEFAULT_CPUS)
        .setMem(DEFAULT_MEM)
        .setInstances(1)
        .setBackoffSeconds(DEFAULT_BACKOFF_SECONDS)
        .setBackoffFactor(DEFAULT_BACKOFF_FACTOR)
        .setMaxLaunchDelaySeconds(DEFAULT_MAX_LAUNCH_DELAY_SECONDS)
        .setUpgradeStrategy(UpgradeStrategy.newBuilder().setMinimumHealthCapacity(1).setMaximumOverCapacity(1));
    Optional<JsonReader> maybe = JsonReader.of(node, "", errors);
    if (maybe.isEmpty()) return new Read(b.build(), errors, false);
    JsonReader r = maybe.get();

    r.string("id").ifPresent(b::setId);
    r.string("cmd").ifPresent(b::setCmd);
    b.addAllArgs(r.strings("args"));
    r.number("cpus").ifPresent(b::setCpus);
    r.number("mem").ifPresent(b::setMem);
    r.number("disk").ifPresent(b::setDisk);
    r.integer("instances", 0, 1_000_000).ifPresent(v -> b.setInstances(v.intValue()));
    r.bool("requirePorts").ifPresent(b::setRequirePorts);
    b.putAllEnv(r.stringMap("env"));
    b.putAllLabels(r.stringMap("labels"));
    r.string("user").ifPresent(b::setUser);
    r.number("backoffSeconds").ifPresent(b::setBackoffSeconds);
    r.number("backoffFactor").ifPresent(b::setBackoffFactor);
    r.number("maxLaunchDelaySeconds").ifPresent(b::setMaxLaunchDelaySeconds);
    r.integer("taskKillGracePeriodSeconds", 0, 86_400).ifPresent(v -> b.setTaskKillGracePeriodSeconds(v.intValue()));
    io.upone.core.AlertRoute.read(r, b::setAlertChannel, b::setAlertWebhook);
    Optional<Long> version = r.integer("version", 0, Long.MAX_VALUE);
    version.ifPresent(b::setVersion);
    b.addAllUris(r.strings("uris"));
    r.array("fetch", (el, p) -> JsonReader.of(el, p, errors).ifPresent(f -> {
      f.string("uri").ifPresentOrElse(b::addUris, () -> f.error(f.path("uri"), "is required"));
      f.bool("extract");
      f.bool("executable");
      f.bool("cache");
      f.finish();
    }));

    readNetworks(r, b);
    r.object("container").ifPresent(c -> readContainer(c, b, errors));
    readPorts(r, b, errors);
    r.array("constraints", (el, p) -> readConstraint(el, p, b, errors));
    r.array("healthChecks", (el, p) -> JsonReader.of(el, p, errors).ifPresent(h -> b.addHealthChecks(readHealthCheck(h))));
    List<String> readinessPortNames = new ArrayList<>();
    r.array("readinessChecks", (el, p) -> JsonReader.of(el, p, errors).ifPresent(h -> {
      readinessPortNames.add(h.string("portName").orElse(""));
      b.addReadinessChecks(readReadinessCheck(h));
    }));
    r.object("upgradeStrategy").ifPresent(u -> {
      UpgradeStrategy.Builder s = b.getUpgradeStrategy().toBuilder();
      u.number("minimumHealthCapacity").ifPresent(s::setMinimumHealthCapacity);
      u.number("maximumOverCapacity").ifPresent(s::setMaximumOverCapacity);
      u.string("type").ifPresent(t -> {
        switch (t) {
          case "rolling" -> s.clearKind(); // the default: stored as unspecified, written back as "rolling"
          case "blue-green" -> s.setKind(DeploymentKind.BLUE_GREEN);
          case "canary" -> s.setKind(DeploymentKind.CANARY);
          default -> errors.add(new FieldError("upgradeStrategy.type", "must be rolling, blue-green or canary"));
        }
      });
      u.integer("canaryInstances", 0, 1_000_000).ifPresent(v -> s.setCanaryInstances(v.intValue()));
      u.integer("deadlineSeconds", 0, 7 * 86_400).ifPresent(v -> s.setDeadlineSeconds(v.intValue()));
      u.finish();
      b.setUpgradeStrategy(s);
    });
    r.object("loadBalancer").ifPresent(l -> {
      LoadBalancer.Builder lb = LoadBalancer.newBuilder();
      l.string("zone").ifPresent(lb::setZone);
      l.string("upstream").ifPresent(lb::setUpstream);
      lb.addAllZones(l.strings("zones"));
      l.integer("portIndex", 0, 1000).ifPresent(v -> lb.setPortIndex(v.intValue()));
      l.integer("weight", 1, 256).ifPresent(v -> lb.setWeight(v.intValue()));
      l.finish();
      b.setLoadBalancer(lb);
    });
    r.finish();

    // Host networking with no ports named gets one dynamic port, as Marathon does.
    if (b.getNetworkMode() == NetworkMode.HOST && !r.has("portDefinitions") && !r.has("ports")) {
      b.addPortDefinitions(PortDefinition.newBuilder().setPort(0).setProtocol(Protocol.TCP));
    }
    resolvePortNames(b, readinessPortNames, errors);
    return new Read(b.build(), errors, version.isPresent());
  }

  private static void readNetworks(JsonReader r, AppSpec.Builder b) {
    b.setNetworkMode(NetworkMode.HOST);
    List<String> modes = new ArrayList<>();
    r.array("networks", (el, p) -> {
      if (!el.isObject()) {
        r.error(p, "must be an object like {\"mode\": \"host\"}");
        return;
      }
      String mode = el.path("mode").asText("host");
      el.fieldNames().forEachRemaining(f -> {
        if (!f.equals("mode") && !f.equals("name") && !f.equals("labels")) r.error(p + "." + f, "unknown field");
      });
      switch (mode) {
        case "host" -> modes.add("host");
        case "container/bridge" -> modes.add("bridge");
        case "container" -> r.error(p + ".mode", "user-defined container networks are not supported; use host or container/bridge");
        default -> r.error(p + ".mode", "must be one of host, container/bridge");
      }
    });
    if (modes.size() > 1) r.error("networks", "only one network may be given");
    if (modes.contains("bridge")) b.setNetworkMode(NetworkMode.BRIDGE);
  }

  private static void readContainer(JsonReader c, AppSpec.Builder b, List<FieldError> errors) {
    Container.Builder cb = Container.newBuilder();
    c.string("type").ifPresent(t -> {
      switch (t) {
        case "DOCKER" -> cb.setType(Container.Type.DOCKER);
        case "MESOS" -> cb.setType(Container.Type.MESOS);
        default -> c.error(c.path("type"), "must be DOCKER or MESOS");
      }
    });
    c.object("docker").ifPresent(d -> {
      d.string("image").ifPresent(cb::setImage);
      d.bool("forcePullImage").ifPresent(cb::setForcePullImage);
      d.bool("privileged").ifPresent(cb::setPrivileged);
      // Marathon 1.4 style: network and portMappings under container.docker
      d.string("network").ifPresent(n -> {
        switch (n) {
          case "BRIDGE" -> b.setNetworkMode(NetworkMode.BRIDGE);
          case "HOST" -> b.setNetworkMode(NetworkMode.HOST);
          case "NONE" -> b.setNetworkMode(NetworkMode.NONE);
          default -> d.error(d.path("network"), "must be HOST, BRIDGE or NONE");
        }
      });
      d.array("portMappings", (el, p) -> JsonReader.of(el, p, errors).ifPresent(m -> cb.addPortMappings(readPortMapping(m))));
      d.array("parameters", (el, p) -> JsonReader.of(el, p, errors).ifPresent(kv -> {
        Parameter.Builder pb = Parameter.newBuilder();
        kv.string("key").ifPresentOrElse(pb::setKey, () -> kv.error(kv.path("key"), "is required"));
        kv.string("value").ifPresent(pb::setValue);
        kv.finish();
        cb.addParameters(pb);
      }));
      d.finish();
    });
    c.array("portMappings", (el, p) -> JsonReader.of(el, p, errors).ifPresent(m -> cb.addPortMappings(readPortMapping(m))));
    c.array("volumes", (el, p) -> JsonReader.of(el, p, errors).ifPresent(v -> {
      Volume.Builder vb = Volume.newBuilder();
      v.string("containerPath").ifPresentOrElse(vb::setContainerPath, () -> v.error(v.path("containerPath"), "is required"));
      v.string("hostPath").ifPresent(vb::setHostPath);
      v.string("mode").ifPresent(m -> {
        switch (m) {
          case "RO" -> vb.setMode(Volume.Mode.RO);
          case "RW" -> vb.setMode(Volume.Mode.RW);
          default -> v.error(v.path("mode"), "must be RO or RW");
        }
      });
      v.finish();
      cb.addVolumes(vb);
    }));
    c.finish();
    if (cb.getType() == Container.Type.TYPE_UNSPECIFIED) cb.setType(cb.getImage().isEmpty() ? Container.Type.MESOS : Container.Type.DOCKER);
    b.setContainer(cb);
  }

  private static PortMapping readPortMapping(JsonReader m) {
    PortMapping.Builder pm = PortMapping.newBuilder();
    m.integer("containerPort", 0, 65535).ifPresent(v -> pm.setContainerPort(v.intValue()));
    m.integer("hostPort", 0, 65535).ifPresent(v -> pm.setHostPort(v.intValue()));
    m.integer("servicePort", 0, 65535).ifPresent(v -> pm.setServicePort(v.intValue()));
    m.string("name").ifPresent(pm::setName);
    pm.setProtocol(readProtocol(m));
    pm.putAllLabels(m.stringMap("labels"));
    m.raw("networkNames");
    m.finish();
    return pm.build();
  }

  private static void readPorts(JsonReader r, AppSpec.Builder b, List<FieldError> errors) {
    r.array("portDefinitions", (el, p) -> JsonReader.of(el, p, errors).ifPresent(d -> {
      PortDefinition.Builder pd = PortDefinition.newBuilder();
      d.integer("port", 0, 65535).ifPresent(v -> pd.setPort(v.intValue()));
      d.string("name").ifPresent(pd::setName);
      pd.setProtocol(readProtocol(d));
      pd.putAllLabels(d.stringMap("labels"));
      d.finish();
      b.addPortDefinitions(pd);
    }));
    // Marathon's legacy shorthand: "ports": [0, 8080]
    r.array("ports", (el, p) -> {
      if (!el.isIntegralNumber() || el.longValue() < 0 || el.longValue() > 65535) {
        r.error(p, "must be an integer between 0 and 65535");
      } else {
        b.addPortDefinitions(PortDefinition.newBuilder().setPort(el.intValue()).setProtocol(Protocol.TCP));
      }
    });
    if (r.has("ports") && r.has("portDefinitions")) r.error("ports", "give portDefinitions or ports, not both");
  }

  private static Protocol readProtocol(JsonReader r) {
    Optional<String> p = r.string("protocol");
    if (p.isEmpty()) return Protocol.TCP;
    return switch (p.get().toLowerCase(Locale.ROOT)) {
      case "tcp" -> Protocol.TCP;
      case "udp" -> Protocol.UDP;
      default -> {
        r.error(r.path("protocol"), "must be tcp or udp");
        yield Protocol.TCP;
      }
    };
  }

  private static void readConstraint(JsonNode el, String p, AppSpec.Builder b, List<FieldError> errors) {
    constraint(el, p, errors).ifPresent(b::addConstraints);
  }

  /** A Marathon constraint {@code [field, operator, value?]}, or empty with an error recorded. */
  public static Optional<Constraint> constraint(JsonNode el, String p, List<FieldError> errors) {
    if (!el.isArray() || el.size() < 2 || el.size() > 3) {
      errors.add(new FieldError(p, "must be [field, operator] or [field, operator, value]"));
      return Optional.empty();
    }
    for (int i = 0; i < el.size(); i++) {
      if (!el.get(i).isTextual()) {
        errors.add(new FieldError(p + "[" + i + "]", "must be a string"));
        return Optional.empty();
      }
    }
    Constraint.Builder c = Constraint.newBuilder().setField(el.get(0).textValue()).setOperator(el.get(1).textValue());
    if (el.size() == 3) c.setValue(el.get(2).textValue());
    return Optional.of(c.build());
  }

  private static HealthCheck readHealthCheck(JsonReader h) {
    HealthCheck.Builder hc = HealthCheck.newBuilder()
        .setGracePeriodSeconds(300).setIntervalSeconds(60).setTimeoutSeconds(20).setMaxConsecutiveFailures(3)
        .setDelaySeconds(15);
    h.string("protocol").ifPresent(hc::setProtocol);
    h.string("path").ifPresent(hc::setPath);
    h.integer("portIndex", 0, 1024).ifPresent(v -> hc.setPortIndex(v.intValue()));
    h.integer("port", 0, 65535).ifPresent(v -> hc.setPort(v.intValue()));
    h.object("command").ifPresent(c -> {
      c.string("value").ifPresent(hc::setCommand);
      c.finish();
    });
    h.integer("gracePeriodSeconds", 0, 86_400).ifPresent(v -> hc.setGracePeriodSeconds(v.intValue()));
    h.integer("intervalSeconds", 1, 86_400).ifPresent(v -> hc.setIntervalSeconds(v.intValue()));
    h.integer("timeoutSeconds", 1, 86_400).ifPresent(v -> hc.setTimeoutSeconds(v.intValue()));
    h.integer("maxConsecutiveFailures", 0, 1_000_000).ifPresent(v -> hc.setMaxConsecutiveFailures(v.intValue()));
    h.integer("delaySeconds", 0, 86_400).ifPresent(v -> hc.setDelaySeconds(v.intValue()));
    h.bool("ignoreHttp1xx").ifPresent(hc::setIgnoreHttp1Xx);
    h.finish();
    if (hc.getProtocol().isEmpty()) hc.setProtocol("HTTP");
    return hc.build();
  }

  /** Marathon's readiness check, with its defaults; {@code portName} is resolved once the ports are read. */
  private static ReadinessCheck readReadinessCheck(JsonReader h) {
    ReadinessCheck.Builder rc = ReadinessCheck.newBuilder().setName("readinessCheck").setProtocol("HTTP").setPath("/")
        .setIntervalSeconds(30).setTimeoutSeconds(10);
    h.string("name").ifPresent(rc::setName);
    h.string("protocol").ifPresent(rc::setProtocol);
    h.string("path").ifPresent(rc::setPath);
    h.integer("portIndex", 0, 1024).ifPresent(v -> rc.setPortIndex(v.intValue()));
    h.integer("intervalSeconds", 1, 86_400).ifPresent(v -> rc.setIntervalSeconds(v.intValue()));
    h.integer("timeoutSeconds", 1, 86_400).ifPresent(v -> rc.setTimeoutSeconds(v.intValue()));
    h.array("httpStatusCodesForReady", (el, p) -> {
      if (el.isIntegralNumber() && el.canConvertToInt() && el.intValue() >= 100 && el.intValue() <= 599) {
        rc.addHttpStatusCodesForReady(el.intValue());
      } else {
        h.error(p, "must be an HTTP status code (100-599)");
      }
    });
    h.bool("preserveLastResponse"); // accepted for Marathon compatibility; upone keeps the last answer's status in the task's message
    h.finish();
    if (rc.getHttpStatusCodesForReadyCount() == 0) rc.addHttpStatusCodesForReady(200);
    return rc.build();
  }

  /** A readiness check may name its port (Marathon's {@code portName}) instead of giving its index. */
  private static void resolvePortNames(AppSpec.Builder b, List<String> names, List<FieldError> errors) {
    List<String> portNames = new ArrayList<>();
    if (b.getNetworkMode() == NetworkMode.BRIDGE) {
      b.getContainer().getPortMappingsList().forEach(m -> portNames.add(m.getName()));
    } else {
      b.getPortDefinitionsList().forEach(d -> portNames.add(d.getName()));
    }
    for (int i = 0; i < names.size() && i < b.getReadinessChecksCount(); i++) {
      String name = names.get(i);
      if (name.isEmpty()) continue;
      int index = portNames.indexOf(name);
      if (index < 0) {
        errors.add(new FieldError("readinessChecks[" + i + "].portName", "no port of the app is named '" + name + "'"));
      } else {
        b.setReadinessChecks(i, b.getReadinessChecks(i).toBuilder().setPortIndex(index));
      }
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  public static ObjectNode write(AppSpec s) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("id", s.getId());
    if (!s.getCmd().isEmpty()) o.put("cmd", s.getCmd());
    if (s.getArgsCount() > 0) s.getArgsList().forEach(o.putArray("args")::add);
    o.put("cpus", s.getCpus());
    o.put("mem", s.getMem());
    o.put("disk", s.getDisk());
    o.put("instances", s.getInstances());
    if (s.hasContainer()) {
      Container c = s.getContainer();
      ObjectNode co = o.putObject("container");
      co.put("type", c.getType() == Container.Type.DOCKER ? "DOCKER" : "MESOS");
      if (!c.getImage().isEmpty()) {
        ObjectNode d = co.putObject("docker");
        d.put("image", c.getImage());
        d.put("forcePullImage", c.getForcePullImage());
        d.put("privileged", c.getPrivileged());
        if (s.getNetworkMode() == NetworkMode.NONE) d.put("network", "NONE");
        if (c.getParametersCount() > 0) {
          ArrayNode ps = d.putArray("parameters");
          for (Parameter p : c.getParametersList()) ps.addObject().put("key", p.getKey()).put("value", p.getValue());
        }
      }
      if (c.getPortMappingsCount() > 0) {
        ArrayNode pms = co.putArray("portMappings");
        for (PortMapping pm : c.getPortMappingsList()) {
          ObjectNode m = pms.addObject();
          m.put("containerPort", pm.getContainerPort());
          m.put("hostPort", pm.getHostPort());
          if (pm.getServicePort() != 0) m.put("servicePort", pm.getServicePort());
          if (!pm.getName().isEmpty()) m.put("name", pm.getName());
          m.put("protocol", protocolName(pm.getProtocol()));
          if (pm.getLabelsCount() > 0) putMap(m.putObject("labels"), pm.getLabelsMap());
        }
      }
      if (c.getVolumesCount() > 0) {
        ArrayNode vs = co.putArray("volumes");
        for (Volume v : c.getVolumesList()) {
          ObjectNode vo = vs.addObject();
          vo.put("containerPath", v.getContainerPath());
          if (!v.getHostPath().isEmpty()) vo.put("hostPath", v.getHostPath());
          if (v.getMode() != Volume.Mode.MODE_UNSPECIFIED) vo.put("mode", v.getMode() == Volume.Mode.RO ? "RO" : "RW");
        }
      }
    }
    // NONE has no Marathon networks[] mode: it is written as container.docker.network above
    if (s.getNetworkMode() != NetworkMode.NONE) {
      o.putArray("networks").addObject().put("mode", s.getNetworkMode() == NetworkMode.BRIDGE ? "container/bridge" : "host");
    }
    ArrayNode pds = o.putArray("portDefinitions");
    for (PortDefinition pd : s.getPortDefinitionsList()) {
      ObjectNode d = pds.addObject();
      d.put("port", pd.getPort());
      if (!pd.getName().isEmpty()) d.put("name", pd.getName());
      d.put("protocol", protocolName(pd.getProtocol()));
      if (pd.getLabelsCount() > 0) putMap(d.putObject("labels"), pd.getLabelsMap());
    }
    o.put("requirePorts", s.getRequirePorts());
    putMap(o.putObject("env"), s.getEnvMap());
    putMap(o.putObject("labels"), s.getLabelsMap());
    ArrayNode cs = o.putArray("constraints");
    for (Constraint c : s.getConstraintsList()) {
      ArrayNode a = cs.addArray().add(c.getField()).add(c.getOperator());
      if (!c.getValue().isEmpty()) a.add(c.getValue());
    }
    ArrayNode hcs = o.putArray("healthChecks");
    for (HealthCheck h : s.getHealthChecksList()) {
      ObjectNode ho = hcs.addObject();
      ho.put("protocol", h.getProtocol());
      if (!h.getPath().isEmpty()) ho.put("path", h.getPath());
      if (h.getPort() != 0) ho.put("port", h.getPort());
      else ho.put("portIndex", h.getPortIndex());
      if (!h.getCommand().isEmpty()) ho.putObject("command").put("value", h.getCommand());
      ho.put("gracePeriodSeconds", h.getGracePeriodSeconds());
      ho.put("intervalSeconds", h.getIntervalSeconds());
      ho.put("timeoutSeconds", h.getTimeoutSeconds());
      ho.put("maxConsecutiveFailures", h.getMaxConsecutiveFailures());
      ho.put("delaySeconds", h.getDelaySeconds());
      if (h.getIgnoreHttp1Xx()) ho.put("ignoreHttp1xx", true);
    }
    ArrayNode rcs = o.putArray("readinessChecks");
    for (ReadinessCheck rc : s.getReadinessChecksList()) {
      ObjectNode ro = rcs.addObject();
      ro.put("name", rc.getName());
      ro.put("protocol", rc.getProtocol());
      ro.put("path", rc.getPath());
      ro.put("portIndex", rc.getPortIndex());
      ro.put("intervalSeconds", rc.getIntervalSeconds());
      ro.put("timeoutSeconds", rc.getTimeoutSeconds());
      ArrayNode codes = ro.putArray("httpStatusCodesForReady");
      rc.getHttpStatusCodesForReadyList().forEach(codes::add);
    }
    ObjectNode us = o.putObject("upgradeStrategy");
    us.put("minimumHealthCapacity", s.getUpgradeStrategy().getMinimumHealthCapacity());
    us.put("maximumOverCapacity", s.getUpgradeStrategy().getMaximumOverCapacity());
    us.put("type", io.upone.core.command.DeploymentCommands.kind(s.getUpgradeStrategy().getKind()));
    if (s.getUpgradeStrategy().getCanaryInstances() > 0) us.put("canaryInstances", s.getUpgradeStrategy().getCanaryInstances());
    if (s.getUpgradeStrategy().getDeadlineSeconds() > 0) us.put("deadlineSeconds", s.getUpgradeStrategy().getDeadlineSeconds());
    o.put("backoffSeconds", s.getBackoffSeconds());
    o.put("backoffFactor", s.getBackoffFactor());
    o.put("maxLaunchDelaySeconds", s.getMaxLaunchDelaySeconds());
    if (!s.getUser().isEmpty()) o.put("user", s.getUser());
    if (s.getTaskKillGracePeriodSeconds() != 0) o.put("taskKillGracePeriodSeconds", s.getTaskKillGracePeriodSeconds());
    if (s.getUrisCount() > 0) s.getUrisList().forEach(o.putArray("uris")::add);
    if (s.hasLoadBalancer()) {
      ObjectNode lb = o.putObject("loadBalancer");
      if (!s.getLoadBalancer().getZone().isEmpty() || s.getLoadBalancer().getZonesCount() == 0) {
        lb.put("zone", s.getLoadBalancer().getZone());
      }
      lb.put("upstream", s.getLoadBalancer().getUpstream());
      if (s.getLoadBalancer().getZonesCount() > 0) {
        s.getLoadBalancer().getZonesList().forEach(lb.putArray("zones")::add);
      }
      if (s.getLoadBalancer().getPortIndex() > 0) lb.put("portIndex", s.getLoadBalancer().getPortIndex());
      if (s.getLoadBalancer().getWeight() > 0) lb.put("weight", s.getLoadBalancer().getWeight());
    }
    io.upone.core.AlertRoute.write(o, s.getAlertChannel(), s.getAlertWebhook());
    o.put("version", s.getVersion());
    return o;
  }

  private static String protocolName(Protocol p) {
    return p == Protocol.UDP ? "udp" : "tcp";
  }

  private static void putMap(ObjectNode o, Map<String, String> m) {
    // sorted, so the same spec always prints the same way
    new java.util.TreeMap<>(m).forEach(o::put);
  }
}
