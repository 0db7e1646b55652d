package io.upone.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.Container;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.PortMapping;
import io.upone.core.proto.Protocol;
import io.upone.core.proto.Volume;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppJsonTest {
  static final String MARATHON_APP = AppJsonTestData.MARATHON_APP;
  static final String HOST_APP = AppJsonTestData.HOST_APP;

  static AppJson.Read read(String json) {
    return AppJson.read(AppJson.parse(json));
  }

  static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(FieldError::field).toList();
  }

  static FieldError errorOn(List<FieldError> errors, String field) {
    return errors.stream().filter(e -> e.field().equals(field)).findFirst()
        .orElseThrow(() -> new AssertionError("no error on " + field + " in " + errors));
  }

  // ---- a realistic definition ----------------------------------------------------------------

  @Test
  void marathonAppDefinitionParsesWithoutErrors() {
    AppJson.Read r = read(MARATHON_APP);
    assertEquals(List.of(), r.errors());
    assertTrue(r.ok());
    AppSpec s = r.spec();
    assertEquals(List.of(), AppValidator.validate(s));

    assertEquals("/shop/web", s.getId());
    assertEquals(List.of("--port", "8080", "--log-level", "info"), s.getArgsList());
    assertEquals("", s.getCmd());
    assertEquals(3, s.getInstances());
    assertEquals(0.5, s.getCpus());
    assertEquals(256, s.getMem());
    assertEquals(64, s.getDisk());
    assertEquals(NetworkMode.BRIDGE, s.getNetworkMode());
    assertEquals(0, s.getPortDefinitionsCount(), "bridge apps get no default host port definition");

    Container c = s.getContainer();
    assertEquals(Container.Type.DOCKER, c.getType());
    assertEquals("registry.example.com/shop/web:1.4.2", c.getImage());
    assertTrue(c.getForcePullImage());
    assertFalse(c.getPrivileged());
    assertEquals(3, c.getPortMappingsCount());
    assertEquals(PortMapping.newBuilder().setContainerPort(8080).setHostPort(0).setServicePort(10001)
        .setProtocol(Protocol.TCP).setName("http").putLabels("VIP_0", "/shop/web:80").build(), c.getPortMappings(0));
    assertEquals(31090, c.getPortMappings(1).getHostPort());
    assertEquals(Protocol.UDP, c.getPortMappings(2).getProtocol());
    assertEquals(0, c.getPortMappings(2).getHostPort());
    assertEquals(Volume.newBuilder().setContainerPath("/var/log/web").setHostPath("/srv/logs/web")
        .setMode(Volume.Mode.RW).build(), c.getVolumes(0));

    assertEquals(Map.of("JAVA_OPTS", "-Xmx200m", "SHOP_ENV", "production"), s.getEnvMap());
    assertEquals(Map.of("team", "shop", "HAPROXY_GROUP", "external"), s.getLabelsMap());
    assertEquals(List.of(
        Constraint.newBuilder().setField("hostname").setOperator("UNIQUE").build(),
        Constraint.newBuilder().setField("rack_id").setOperator("GROUP_BY").setValue("3").build(),
        Constraint.newBuilder().setField("zone").setOperator("LIKE").setValue("eu-.*").build()),
        s.getConstraintsList());

    HealthCheck http = s.getHealthChecks(0);
    assertEquals("MESOS_HTTP", http.getProtocol());
    assertEquals("/health", http.getPath());
    assertEquals(0, http.getPortIndex());
    assertEquals(120, http.getGracePeriodSeconds());
    assertEquals(10, http.getIntervalSeconds());
    assertEquals(5, http.getTimeoutSeconds());
    assertEquals(3, http.getMaxConsecutiveFailures());
    assertEquals(15, http.getDelaySeconds());
    HealthCheck cmd = s.getHealthChecks(1);
    assertEquals("COMMAND", cmd.getProtocol());
    assertEquals("curl -f http://localhost:8080/ready", cmd.getCommand());
    assertEquals(300, cmd.getGracePeriodSeconds(), "Marathon's health check defaults");
    assertEquals(60, cmd.getIntervalSeconds());
    assertEquals(20, cmd.getTimeoutSeconds());

    assertEquals(0.5, s.getUpgradeStrategy().getMinimumHealthCapacity());
    assertEquals(0.2, s.getUpgradeStrategy().getMaximumOverCapacity());
    assertEquals(2, s.getBackoffSeconds());
    assertEquals(1.5, s.getBackoffFactor());
    assertEquals(600, s.getMaxLaunchDelaySeconds());
    assertEquals(30, s.getTaskKillGracePeriodSeconds());
    assertEquals("nobody", s.getUser());
    assertEquals(List.of("https://artifacts.example.com/web/config.tgz"), s.getUrisList());
    assertFalse(r.versionGiven());
  }

  @Test
  void hostAppWithUponeFieldsParses() {
    AppJson.Read r = read(HOST_APP);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), AppValidator.validate(r.spec()));
    AppSpec s = r.spec();
    assertEquals(NetworkMode.HOST, s.getNetworkMode());
    assertFalse(s.hasContainer());
    assertEquals(2, s.getPortDefinitionsCount());
    assertEquals(PortDefinition.newBuilder().setPort(80).setName("http").setProtocol(Protocol.TCP)
        .putLabels("expose", "true").build(), s.getPortDefinitions(0));
    assertEquals(0, s.getPortDefinitions(1).getPort());
    assertEquals("dc1", s.getLoadBalancer().getZone());
    assertEquals("proxy_http", s.getLoadBalancer().getUpstream());
    assertEquals("#infra-alerts", s.getAlertChannel());
    assertEquals(4, s.getVersion());
    assertTrue(r.versionGiven());
    assertEquals("TCP", s.getHealthChecks(0).getProtocol());
  }

  @ParameterizedTest
  @ValueSource(strings = {"MARATHON_APP", "HOST_APP", "MINIMAL"})
  void writeThenReadGivesTheSameSpec(String which) throws Exception {
    String json = switch (which) {
      case "MARATHON_APP" -> MARATHON_APP;
      case "HOST_APP" -> HOST_APP;
      default -> "{\"id\": \"/minimal\", \"cmd\": \"sleep 60\"}";
    };
    AppSpec spec = read(json).spec();

    String written = AppJson.MAPPER.writeValueAsString(AppJson.write(spec));
    AppJson.Read again = read(written);

    assertEquals(List.of(), again.errors(), written);
    assertEquals(spec, again.spec(), written);
    // and writing is stable
    assertEquals(written, AppJson.MAPPER.writeValueAsString(AppJson.write(again.spec())));
  }

  @Test
  void marathonDefaultsAreFilledIn() {
    AppJson.Read r = read("{\"id\": \"/web\", \"cmd\": \"python3 -m http.server $PORT0\"}");
    assertEquals(List.of(), r.errors());
    AppSpec s = r.spec();
    assertEquals(1.0, s.getCpus());
    assertEquals(128.0, s.getMem());
    assertEquals(0.0, s.getDisk());
    assertEquals(1, s.getInstances());
    assertEquals(NetworkMode.HOST, s.getNetworkMode());
    assertEquals(List.of(PortDefinition.newBuilder().setPort(0).setProtocol(Protocol.TCP).build()),
        s.getPortDefinitionsList(), "one dynamic port for host networking");
    assertEquals(1.0, s.getBackoffSeconds());
    assertEquals(1.15, s.getBackoffFactor());
    assertEquals(300.0, s.getMaxLaunchDelaySeconds());
    assertEquals(1.0, s.getUpgradeStrategy().getMinimumHealthCapacity());
    assertEquals(1.0, s.getUpgradeStrategy().getMaximumOverCapacity());
    assertFalse(s.hasContainer());
    assertFalse(s.getRequirePorts());
    assertEquals(0, s.getVersion());
    assertFalse(r.versionGiven());
    assertEquals(List.of(), AppValidator.validate(s));
  }

  @Test
  void explicitPortsOverrideTheDefaultPort() {
    assertEquals(0, read("{\"id\": \"/a\", \"cmd\": \"x\", \"portDefinitions\": []}").spec().getPortDefinitionsCount());
    AppSpec legacy = read("{\"id\": \"/a\", \"cmd\": \"x\", \"ports\": [0, 8080]}").spec();
    assertEquals(List.of(0, 8080), legacy.getPortDefinitionsList().stream().map(PortDefinition::getPort).toList());
    AppSpec bridge = read("{\"id\": \"/a\", \"container\": {\"docker\": {\"image\": \"nginx\"}},"
        + " \"networks\": [{\"mode\": \"container/bridge\"}]}").spec();
    assertEquals(0, bridge.getPortDefinitionsCount());
    assertEquals(Container.Type.DOCKER, bridge.getContainer().getType(), "an image implies DOCKER");
  }

  @Test
  void legacyDockerNetworkAndPortMappingsAreRead() {
    AppJson.Read r = read("""
        {"id": "/old", "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE",
          "portMappings": [{"containerPort": 80, "hostPort": 0}]}}}
        """);
    assertEquals(List.of(), r.errors());
    assertEquals(NetworkMode.BRIDGE, r.spec().getNetworkMode());
    assertEquals(80, r.spec().getContainer().getPortMappings(0).getContainerPort());
  }

  // ---- malformed JSON ------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"id\": \"/a\",",
      "{id: \"/a\"}",
      "not json",
      "{\"id\": \"/a\" \"cmd\": \"x\"}",
      "{\"id\": \"/a\", \"cmd\": \"x\", \"id\": \"/b\"}", // a key given twice
  })
  void malformedJsonIsItsOwnProblem(String body) {
    Problem p = assertThrows(Problem.Failure.class, () -> AppJson.parse(body)).problem();
    assertEquals(Problem.Kind.INVALID, p.kind());
    assertEquals("malformed_json", p.code());
    assertEquals(List.of("$"), fields(p.errors()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"id\": \"/a\", \"cmd\": \"x\"} }",
      "{\"id\": \"/a\", \"cmd\": \"x\"}{\"id\": \"/b\"}",
      "{\"id\": \"/a\", \"cmd\": \"x\"} trailing",
  })
  void trailingContentAfterTheObjectIsMalformed(String body) {
    Problem p = assertThrows(Problem.Failure.class, () -> AppJson.parse(body),
        "a body with content after its JSON value must be refused, not silently truncated").problem();
    assertEquals("malformed_json", p.code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n"})
  void emptyBodyIsInvalid(String body) {
    Problem p = assertThrows(Problem.Failure.class, () -> AppJson.parse(body)).problem();
    assertEquals(Problem.Kind.INVALID, p.kind());
    assertEquals(List.of("$"), fields(p.errors()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1, 2]", "\"an app\"", "42", "null"})
  void nonObjectBodyIsAnErrorOnTheRoot(String body) {
    List<FieldError> errors;
    try {
      errors = read(body).errors();
    } catch (Problem.Failure f) {
      errors = f.problem().errors();
    }
    assertEquals(List.of("$"), fields(errors));
  }

  // ---- bad fields ----------------------------------------------------------------------------

  static Stream<Arguments> badFields() {
    return Stream.of(
        // unknown fields, top level and nested
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"cpu\": 1}", "cpu", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"container\": {\"docker\": {\"imagee\": \"nginx\"}}}",
            "container.docker.imagee", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"container\": {\"dockr\": {}}}",
            "container.dockr", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"upgradeStrategy\": {\"minimumHealth\": 0.5}}",
            "upgradeStrategy.minimumHealth", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"healthChecks\": [{\"protocol\": \"HTTP\", \"pth\": \"/\"}]}",
            "healthChecks[0].pth", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"container\": {\"docker\": {\"image\": \"n\"}, \"portMappings\": "
            + "[{\"containerPort\": 80}, {\"containerPort\": 81, \"hostport\": 1}]}, "
            + "\"networks\": [{\"mode\": \"container/bridge\"}]}",
            "container.portMappings[1].hostport", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"portDefinitions\": [{\"port\": 0, \"protcol\": \"tcp\"}]}",
            "portDefinitions[0].protcol", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"networks\": [{\"mode\": \"host\", \"nam\": \"x\"}]}",
            "networks[0].nam", "unknown field"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"fetch\": [{\"uri\": \"http://x\", \"extrct\": true}]}",
            "fetch[0].extrct", "unknown field"),
        // wrong types
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"cpus\": \"1\"}", "cpus", "must be a number"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"mem\": true}", "mem", "must be a number"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"instances\": 1.5}", "instances", "must be an integer"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"instances\": \"3\"}", "instances", "must be an integer"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"instances\": -1}", "instances", "must be between"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"env\": {\"PORT\": 8080}}", "env.PORT", "must be a string"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"env\": [\"A=1\"]}", "env", "must be an object"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"labels\": {\"team\": {\"name\": \"x\"}}}",
            "labels.team", "must be a string"),
        Arguments.of("{\"id\": 7, \"cmd\": \"x\"}", "id", "must be a string"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": [\"x\"]}", "cmd", "must be a string"),
        Arguments.of("{\"id\": \"/a\", \"args\": \"x y\"}", "args", "must be an array"),
        Arguments.of("{\"id\": \"/a\", \"args\": [\"x\", 1]}", "args[1]", "must be a string"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"requirePorts\": \"yes\"}", "requirePorts", "must be true or false"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"portDefinitions\": [{\"port\": 70000}]}",
            "portDefinitions[0].port", "must be between 0 and 65535"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"portDefinitions\": [{\"port\": 80, \"protocol\": \"sctp\"}]}",
            "portDefinitions[0].protocol", "must be tcp or udp"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"constraints\": [\"hostname\", \"UNIQUE\"]}",
            "constraints[0]", "must be [field, operator]"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"constraints\": [[\"hostname\", 1]]}",
            "constraints[0][1]", "must be a string"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"container\": {\"type\": \"RKT\"}}",
            "container.type", "must be DOCKER or MESOS"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"networks\": [{\"mode\": \"overlay\"}]}",
            "networks[0].mode", "must be one of"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"healthChecks\": [{\"intervalSeconds\": 0}]}",
            "healthChecks[0].intervalSeconds", "must be between"),
        Arguments.of("{\"id\": \"/a\", \"cmd\": \"x\", \"version\": -2}", "version", "must be between"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void badFieldIsNamed(String json, String field, String reason) {
    List<FieldError> errors = read(json).errors();
    FieldError e = errorOn(errors, field);
    assertTrue(e.reason().contains(reason), () -> "reason of " + field + ": " + e.reason());
  }

  @Test
  void everyErrorIsReturnedAtOnce() {
    AppJson.Read r = read("""
        {"id": "/a", "cmd": "x", "cpus": "lots", "instances": 1.5, "env": {"A": 1},
         "colour": "blue", "container": {"docker": {"image": "n", "tag": "1"}}}
        """);
    List<String> f = fields(r.errors());
    assertTrue(f.containsAll(List.of("cpus", "instances", "env.A", "colour", "container.docker.tag")), f::toString);
    assertEquals(5, r.errors().size(), r.errors()::toString);
    assertFalse(r.ok());
  }
}
