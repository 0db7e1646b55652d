package io.upone.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.json.AppJson;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortMapping;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppValidatorTest {

  /** Reads {@code json} (which must be well typed) and returns what the validator says of it. */
  static List<FieldError> validate(String json) {
    AppJson.Read r = AppJson.read(AppJson.parse(json));
    assertEquals(List.of(), r.errors(), "the test body must be well typed");
    return AppValidator.validate(r.spec());
  }

  static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(FieldError::field).toList();
  }

  static String app(String extra) {
    return "{\"id\": \"/web\", \"cmd\": \"./run\"" + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  static String bridge(String portMappings) {
    return "{\"id\": \"/web\", \"networks\": [{\"mode\": \"container/bridge\"}], "
        + "\"container\": {\"docker\": {\"image\": \"nginx:1.25\"}, \"portMappings\": " + portMappings + "}}";
  }

  @Test
  void aMinimalAppIsValid() {
    assertEquals(List.of(), validate(app("")));
    assertEquals(List.of(), validate("{\"id\": \"/web\", \"args\": [\"./run\", \"--fast\"]}"));
    assertEquals(List.of(), validate("{\"id\": \"/web\", \"container\": {\"docker\": {\"image\": \"nginx\"}}}"));
  }

  // ---- resources -----------------------------------------------------------------------------

  static Stream<Arguments> badResources() {
    return Stream.of(
        Arguments.of("\"cpus\": 0", "cpus"),
        Arguments.of("\"cpus\": -0.5", "cpus"),
        Arguments.of("\"mem\": -1", "mem"),
        Arguments.of("\"mem\": 0", "mem"),
        Arguments.of("\"disk\": -1", "disk"),
        Arguments.of("\"backoffSeconds\": -1", "backoffSeconds"),
        Arguments.of("\"backoffFactor\": 0.5", "backoffFactor"),
        Arguments.of("\"maxLaunchDelaySeconds\": -3", "maxLaunchDelaySeconds"),
        Arguments.of("\"upgradeStrategy\": {\"minimumHealthCapacity\": 1.5}", "upgradeStrategy.minimumHealthCapacity"),
        Arguments.of("\"upgradeStrategy\": {\"maximumOverCapacity\": -0.1}", "upgradeStrategy.maximumOverCapacity"),
        Arguments.of("\"env\": {\"1BAD\": \"x\"}", "env.1BAD"),
        Arguments.of("\"loadBalancer\": {\"upstream\": \"has space\"}", "loadBalancer.upstream"),
        // load balancers route by the lowercased Host header: an upper-case name is never matched
        Arguments.of("\"loadBalancer\": {\"upstream\": \"Web.Upone\"}", "loadBalancer.upstream"),
        Arguments.of("\"loadBalancer\": {\"upstream\": \"web.upone\", \"zones\": [\"Edge\"]}", "loadBalancer.zones[0]"),
        Arguments.of("\"loadBalancer\": {\"upstream\": \"web.upone\", \"zone\": \"e\", \"portIndex\": 3}", "loadBalancer.portIndex"),
        Arguments.of("\"alertChannel\": \"#Team Alerts\"", "alerts.channel"),
        Arguments.of("\"alerts\": {\"channel\": \"#Team Alerts\"}", "alerts.channel"),
        Arguments.of("\"alerts\": {\"channel\": \"#team\", \"webhook\": \"hooks.slack.com/services/x\"}", "alerts.webhook"),
        Arguments.of("\"alerts\": {\"webhook\": \"ftp://hooks.slack.com/x\"}", "alerts.webhook"),
        Arguments.of("\"alerts\": {\"webhook\": \"https://hooks slack.com/x\"}", "alerts.webhook"),
        Arguments.of("\"alerts\": {\"webhook\": \"https:///services/x\"}", "alerts.webhook"),
        Arguments.of("\"alerts\": {\"webhook\": \"https://u:p@hooks.slack.com/x\"}", "alerts.webhook"));
  }

  @ParameterizedTest
  @MethodSource("badResources")
  void badValueIsNamed(String extra, String field) {
    assertEquals(List.of(field), fields(validate(app(extra))));
  }

  @Test
  void zeroDiskIsFine() {
    assertEquals(List.of(), validate(app("\"disk\": 0, \"cpus\": 0.01, \"mem\": 1")));
  }

  @Test
  void commandIsRequiredAndExclusiveWithArgs() {
    assertEquals(List.of("cmd"), fields(validate("{\"id\": \"/web\"}")));
    assertEquals(List.of("cmd"), fields(validate("{\"id\": \"/web\", \"cmd\": \"   \"}")));
    assertEquals(List.of("args"), fields(validate("{\"id\": \"/web\", \"cmd\": \"x\", \"args\": [\"y\"]}")));
  }

  // ---- ports ---------------------------------------------------------------------------------

  @Test
  void duplicatePortDefinitionsAreNamed() {
    List<FieldError> e = validate(app("\"portDefinitions\": [{\"port\": 8080}, {\"port\": 9000}, {\"port\": 8080}]"));
    assertEquals(List.of("portDefinitions[2].port"), fields(e));
    assertTrue(e.get(0).reason().contains("8080"), e.get(0).reason());
  }

  @Test
  void severalDynamicPortsAreNotDuplicates() {
    assertEquals(List.of(), validate(app("\"portDefinitions\": [{\"port\": 0}, {\"port\": 0}, {\"port\": 0}]")));
  }

  @Test
  void requirePortsNeedsFixedPorts() {
    assertEquals(List.of("portDefinitions[1].port"),
        fields(validate(app("\"requirePorts\": true, \"portDefinitions\": [{\"port\": 80}, {\"port\": 0}]"))));
  }

  @Test
  void duplicatePortNamesAreNamed() {
    assertEquals(List.of("portDefinitions[1].name"),
        fields(validate(app("\"portDefinitions\": [{\"port\": 0, \"name\": \"http\"}, {\"port\": 0, \"name\": \"http\"}]"))));
    assertEquals(List.of("portDefinitions[0].name"),
        fields(validate(app("\"portDefinitions\": [{\"port\": 0, \"name\": \"Http_Port\"}]"))));
  }

  @Test
  void duplicateContainerPortsInPortMappingsAreNamed() {
    List<FieldError> e = validate(bridge("[{\"containerPort\": 80}, {\"containerPort\": 443}, {\"containerPort\": 80}]"));
    assertEquals(List.of("container.portMappings[2].containerPort"), fields(e));
    // the same number over another protocol is a different port
    assertEquals(List.of(),
        validate(bridge("[{\"containerPort\": 53, \"protocol\": \"tcp\"}, {\"containerPort\": 53, \"protocol\": \"udp\"}]")));
  }

  @Test
  void duplicateHostPortsInPortMappingsAreNamed() {
    List<FieldError> e = validate(bridge(
        "[{\"containerPort\": 80, \"hostPort\": 31080}, {\"containerPort\": 81, \"hostPort\": 31080}]"));
    assertEquals(List.of("container.portMappings[1].hostPort"), fields(e));
    assertEquals(List.of(), validate(bridge(
        "[{\"containerPort\": 80, \"hostPort\": 0}, {\"containerPort\": 81, \"hostPort\": 0}, {\"containerPort\": 82}]")));
  }

  @Test
  void duplicateContainerAndHostPortsTogether() {
    List<FieldError> e = validate(bridge(
        "[{\"containerPort\": 80, \"hostPort\": 31080}, {\"containerPort\": 80, \"hostPort\": 31080}]"));
    assertEquals(List.of("container.portMappings[1].containerPort", "container.portMappings[1].hostPort"), fields(e));
  }

  @Test
  void portMappingsNeedBridgeAndBridgeNeedsNoPortDefinitions() {
    AppSpec hostWithMappings = AppSpec.newBuilder().setId("/web").setCmd("x").setCpus(1).setMem(1).setBackoffFactor(1)
        .setNetworkMode(NetworkMode.HOST)
        .setContainer(Container.newBuilder().addPortMappings(PortMapping.newBuilder().setContainerPort(80)))
        .build();
    assertEquals(List.of("container.portMappings"), fields(AppValidator.validate(hostWithMappings)));

    List<FieldError> e = validate("{\"id\": \"/web\", \"networks\": [{\"mode\": \"container/bridge\"}], "
        + "\"container\": {\"docker\": {\"image\": \"nginx\"}}, \"portDefinitions\": [{\"port\": 80}]}");
    assertEquals(List.of("portDefinitions"), fields(e));
  }

  // ---- ids -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"/Web", "/a//b", "/a/", "", "/", "/a/../b", "/-web", "/web-", "/web_1", "/a/tasks",
      "/web/instances", "/a b"})
  void invalidIdIsNamed(String id) {
    List<FieldError> e = validate("{\"id\": \"" + id + "\", \"cmd\": \"x\"}");
    assertEquals(List.of("id"), fields(e), () -> id + " -> " + e);
    assertFalse(AppId.isValid(id));
    assertTrue(AppId.problem(id).isPresent());
  }

  @Test
  void missingIdIsNamed() {
    assertEquals(List.of("id"), fields(validate("{\"cmd\": \"x\"}")));
  }

  @Test
  void overlongIdIsInvalid() {
    String id = "/" + "a".repeat(AppId.MAX_LENGTH);
    assertEquals(List.of("id"), fields(validate("{\"id\": \"" + id + "\", \"cmd\": \"x\"}")));
    assertTrue(AppId.isValid("/" + "a".repeat(AppId.MAX_LENGTH - 1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/web", "web", "/team/web-1", "/a.b/c", "/0", "/team/sub/app9"})
  void validIds(String id) {
    assertTrue(AppId.isValid(id), id);
    assertEquals(List.of(), validate("{\"id\": \"" + id + "\", \"cmd\": \"x\"}"));
  }

  @Test
  void canonicalFormIsAbsolute() {
    assertEquals("/web", AppId.canonical("web"));
    assertEquals("/web", AppId.canonical("/web"));
    assertEquals("/team/web", AppId.canonical("team/web"));
  }

  // ---- constraints ---------------------------------------------------------------------------

  static Stream<Arguments> badConstraints() {
    return Stream.of(
        Arguments.of("[\"hostname\", \"UNIQ\"]", "unknown operator"),
        Arguments.of("[\"hostname\", \"unique\"]", "unknown operator"),
        Arguments.of("[\"hostname\", \"MAX_PER\"]", "MAX_PER value must be a positive integer"),
        Arguments.of("[\"hostname\", \"MAX_PER\", \"two\"]", "MAX_PER value must be a positive integer"),
        Arguments.of("[\"hostname\", \"MAX_PER\", \"0\"]", "MAX_PER value must be a positive integer"),
        Arguments.of("[\"hostname\", \"LIKE\", \"[a-\"]", "not a valid regular expression"),
        Arguments.of("[\"hostname\", \"UNLIKE\", \"(\"]", "not a valid regular expression"),
        Arguments.of("[\"hostname\", \"LIKE\"]", "requires a regular expression"),
        Arguments.of("[\"hostname\", \"UNIQUE\", \"x\"]", "UNIQUE takes no value"),
        Arguments.of("[\"rack\", \"GROUP_BY\", \"-1\"]", "GROUP_BY value must be a positive integer"),
        Arguments.of("[\"rack\", \"CLUSTER\"]", "CLUSTER requires a value"),
        Arguments.of("[\"rack\", \"IS\"]", "IS requires a value"),
        Arguments.of("[\"\", \"UNIQUE\"]", "field must not be empty"),
        Arguments.of("[\"task:team\", \"UNIQUE\"]", "takes LIKE (next to) or UNLIKE (away from), not UNIQUE"),
        Arguments.of("[\"task:\", \"LIKE\", \"db\"]", "must name a label key"),
        Arguments.of("[\"task:team\", \"UNLIKE\", \"(\"]", "not a valid regular expression"));
  }

  @ParameterizedTest
  @MethodSource("badConstraints")
  void invalidConstraintIsNamedByIndex(String constraint, String reason) {
    // a valid constraint first, so the index in the field name matters
    List<FieldError> e = validate(app("\"constraints\": [[\"hostname\", \"UNIQUE\"], " + constraint + "]"));
    assertEquals(List.of("constraints[1]"), fields(e), e::toString);
    assertTrue(e.get(0).reason().contains(reason), e.get(0).reason());
  }

  @Test
  void everyOperatorHasAValidForm() {
    assertEquals(List.of(), validate(app("\"constraints\": [[\"hostname\", \"UNIQUE\"], [\"rack\", \"CLUSTER\", \"r1\"], "
        + "[\"rack\", \"GROUP_BY\"], [\"zone\", \"GROUP_BY\", \"3\"], [\"hostname\", \"LIKE\", \"web-[0-9]+\"], "
        + "[\"hostname\", \"UNLIKE\", \"db-.*\"], [\"hostname\", \"MAX_PER\", \"2\"], [\"role\", \"IS\", \"edge\"], "
        + "[\"task:team\", \"LIKE\", \"db-.*\"], [\"task:tier\", \"UNLIKE\", \"batch\"]]")));
  }

  // ---- health checks -------------------------------------------------------------------------

  @Test
  void healthCheckProblemsAreNamed() {
    assertEquals(List.of("healthChecks[0].portIndex"),
        fields(validate(app("\"healthChecks\": [{\"protocol\": \"HTTP\", \"portIndex\": 1}]"))));
    assertEquals(List.of("healthChecks[0].protocol"),
        fields(validate(app("\"healthChecks\": [{\"protocol\": \"GRPC\"}]"))));
    assertEquals(List.of("healthChecks[0].command"),
        fields(validate(app("\"healthChecks\": [{\"protocol\": \"COMMAND\"}]"))));
    assertEquals(List.of("healthChecks[0].path"),
        fields(validate(app("\"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"health\"}]"))));
    assertEquals(List.of("healthChecks[0].timeoutSeconds"),
        fields(validate(app("\"healthChecks\": [{\"protocol\": \"TCP\", \"intervalSeconds\": 5, \"timeoutSeconds\": 5}]"))));
    // a fixed port needs no port index
    assertEquals(List.of(), validate(app("\"portDefinitions\": [], \"healthChecks\": [{\"protocol\": \"TCP\", \"port\": 8080}]")));
  }

  @Test
  void readinessCheckProblemsAreNamed() {
    assertEquals(List.of("readinessChecks[0].protocol"),
        fields(validate(app("\"readinessChecks\": [{\"protocol\": \"TCP\"}]"))));
    assertEquals(List.of("readinessChecks[0].portIndex"),
        fields(validate(app("\"readinessChecks\": [{\"portIndex\": 1}]"))));
    assertEquals(List.of("readinessChecks[0].portName"),
        fields(AppJson.read(AppJson.parse(app("\"readinessChecks\": [{\"portName\": \"admin\"}]"))).errors()));
    assertEquals(List.of("readinessChecks[0].path"),
        fields(validate(app("\"readinessChecks\": [{\"path\": \"ready\"}]"))));
    assertEquals(List.of("readinessChecks[0].timeoutSeconds"),
        fields(validate(app("\"readinessChecks\": [{\"intervalSeconds\": 5, \"timeoutSeconds\": 5}]"))));
    assertEquals(List.of("readinessChecks[0].httpStatusCodesForReady[1]"),
        fields(AppJson.read(AppJson.parse(app("\"readinessChecks\": [{\"httpStatusCodesForReady\": [200, 700]}]"))).errors()));
    assertEquals(List.of("readinessChecks[0].intervalSeconds"),
        fields(AppJson.read(AppJson.parse(app("\"readinessChecks\": [{\"intervalSeconds\": -1}]"))).errors()));
    // a named port resolves to its index; the defaults are Marathon's
    AppJson.Read r = AppJson.read(AppJson.parse(app("\"portDefinitions\": [{\"port\": 0, \"name\": \"web\"},"
        + " {\"port\": 0, \"name\": \"admin\"}], \"readinessChecks\": [{\"portName\": \"admin\", \"path\": \"/ready\"}]")));
    assertEquals(List.of(), r.errors());
    assertEquals(1, r.spec().getReadinessChecks(0).getPortIndex());
    assertEquals(List.of(200), r.spec().getReadinessChecks(0).getHttpStatusCodesForReadyList());
    assertEquals(30, r.spec().getReadinessChecks(0).getIntervalSeconds());
  }

  // ---- several at once -----------------------------------------------------------------------

  @Test
  void everyErrorIsReturnedAtOnce() {
    List<FieldError> e = validate("""
        {"id": "/Web", "cpus": 0, "mem": -1, "disk": -1,
         "portDefinitions": [{"port": 80}, {"port": 80}],
         "constraints": [["hostname", "SOMETIMES"]]}
        """);
    assertEquals(List.of("id", "cmd", "cpus", "mem", "disk", "portDefinitions[1].port", "constraints[0]"), fields(e));
  }
}
