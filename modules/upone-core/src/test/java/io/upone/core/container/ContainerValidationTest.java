package io.upone.core.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.json.AppJson;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.NetworkMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ContainerValidationTest {
  static final ContainerPolicy STRICT = ContainerPolicy.DEFAULT;
  static final ContainerPolicy LENIENT = new ContainerPolicy(true, List.of(), ContainerPolicy.FORBIDDEN);

  static AppSpec read(String json) {
    AppJson.Read r = AppJson.read(AppJson.parse(json));
    assertEquals(List.of(), r.errors(), "the test body must be well typed");
    return r.spec();
  }

  static List<String> fields(String json, ContainerPolicy policy) {
    return AppValidator.validate(read(json), policy).stream().map(FieldError::field).toList();
  }

  static String docker(String dockerExtra, String containerExtra) {
    return "{\"id\": \"/web\", \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"local/busybox:1\""
        + (dockerExtra.isEmpty() ? "" : ", " + dockerExtra) + "}" + (containerExtra.isEmpty() ? "" : ", " + containerExtra) + "}}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "nginx:1.25", "local/busybox:1", "repo.example.com:5043/facedet:v0.0.2",
      "localhost:5000/a/b_c__d-e.f:latest", "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
  void validImageReferences(String ref) {
    assertTrue(ImageReference.problem(ref).isEmpty(), ref);
    assertEquals(List.of(), fields(docker("", "").replace("local/busybox:1", ref), STRICT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Nginx", "nginx:", "nginx::1", "-nginx", "a//b", "nginx:tag with space", "nginx@sha256:xyz",
      "repo:5043:x/y", " ", "nginx:" + "t12345678901234567890123456789012345678901234567890123456789012345678901234567890"
      + "12345678901234567890123456789012345678901234567890"})
  void invalidImageReferencesAreRefusedByField(String ref) {
    assertFalse(ImageReference.problem(ref).isEmpty(), ref);
    assertEquals(List.of("container.docker.image"), fields(docker("", "").replace("local/busybox:1", ref), STRICT));
  }

  @ParameterizedTest
  @CsvSource({
      "data, container.volumes[0].hostPath",
      "./data, container.volumes[0].hostPath",
      "/srv/../etc/shadow, container.volumes[0].hostPath",
      "/srv//x, container.volumes[0].hostPath",
      "/, container.volumes[0].hostPath",
      "/proc, container.volumes[0].hostPath",
      "/sys/fs/cgroup, container.volumes[0].hostPath",
      "/var/run/docker.sock, container.volumes[0].hostPath",
      "/run/docker.sock, container.volumes[0].hostPath"})
  void relativeOrForbiddenHostPathsAreRefused(String hostPath, String field) {
    String v = "\"volumes\": [{\"containerPath\": \"/data\", \"hostPath\": \"" + hostPath + "\", \"mode\": \"RO\"}]";
    assertEquals(List.of(field), fields(docker("", v), LENIENT));
  }

  @Test
  void volumesOutsideTheAllowedRootsAreRefused() {
    ContainerPolicy roots = new ContainerPolicy(false, List.of("/srv", "/etc/localtime"), ContainerPolicy.FORBIDDEN);
    String ok = "\"volumes\": [{\"containerPath\": \"/etc/localtime\", \"hostPath\": \"/etc/localtime\", \"mode\": \"RO\"},"
        + " {\"containerPath\": \"/data\", \"hostPath\": \"/srv/app/data\", \"mode\": \"RW\"}]";
    assertEquals(List.of(), fields(docker("", ok), roots));
    String bad = "\"volumes\": [{\"containerPath\": \"/x\", \"hostPath\": \"/etc/passwd\", \"mode\": \"RO\"},"
        + " {\"containerPath\": \"data\", \"hostPath\": \"/srvx\"}]";
    assertEquals(List.of("container.volumes[0].hostPath", "container.volumes[1].containerPath", "container.volumes[1].hostPath"),
        fields(docker("", bad), roots));
    assertEquals(List.of("container.volumes[0].hostPath"),
        fields(docker("", "\"volumes\": [{\"containerPath\": \"/x\", \"mode\": \"RO\"}]"), roots));
  }

  @Test
  void aPortMappingNeedsAContainerPort() {
    String json = "{\"id\": \"/web\", \"networks\": [{\"mode\": \"container/bridge\"}], \"container\": {\"docker\":"
        + " {\"image\": \"nginx\"}, \"portMappings\": [{\"containerPort\": 80}, {\"hostPort\": 0, \"name\": \"admin\"}]}}";
    assertEquals(List.of("container.portMappings[1].containerPort"), fields(json, STRICT));
  }

  @Test
  void privilegesOnlyWhenAllowed() {
    assertEquals(List.of("container.docker.privileged"), fields(docker("\"privileged\": true", ""), STRICT));
    assertEquals(List.of(), fields(docker("\"privileged\": true", ""), LENIENT));
    String capAdd = "\"parameters\": [{\"key\": \"cap-add\", \"value\": \"SYS_ADMIN\"}]";
    assertEquals(List.of("container.docker.parameters[0].key"), fields(docker(capAdd, ""), STRICT));
    assertEquals(List.of(), fields(docker(capAdd, ""), LENIENT));
  }

  @Test
  void parametersAreKnownOptionsWithFittingValues() {
    String ok = "\"parameters\": [{\"key\": \"init\", \"value\": \"true\"}, {\"key\": \"label\", \"value\": \"team=web\"},"
        + " {\"key\": \"label\", \"value\": \"tier=front\"}, {\"key\": \"pids-limit\", \"value\": \"64\"}]";
    assertEquals(List.of(), fields(docker(ok, ""), STRICT));
    String bad = "\"parameters\": [{\"key\": \"net\", \"value\": \"host\"}, {\"key\": \"init\", \"value\": \"yes\"},"
        + " {\"key\": \"label\", \"value\": \"novalue\"}, {\"key\": \"tmpfs\", \"value\": \"run\"}]";
    assertEquals(List.of("container.docker.parameters[0].key", "container.docker.parameters[1].value",
        "container.docker.parameters[2].value", "container.docker.parameters[3].value"), fields(docker(bad, ""), STRICT));
  }

  @Test
  void ownNetworksNeedAnImage() {
    assertEquals(List.of("container.docker.image"),
        fields("{\"id\": \"/web\", \"cmd\": \"x\", \"container\": {\"docker\": {\"network\": \"NONE\"}}}", STRICT));
    AppSpec none = read(docker("\"network\": \"NONE\"", ""));
    assertEquals(NetworkMode.NONE, none.getNetworkMode());
    assertEquals(0, none.getPortDefinitionsCount(), "no network, no host port");
    assertEquals(List.of(), AppValidator.validate(none, STRICT));
  }

  @Test
  void containerDetailsSurviveJsonAndReachTheLaunch() throws Exception {
    String json = docker("\"network\": \"NONE\", \"forcePullImage\": true, \"parameters\": [{\"key\": \"init\", \"value\": \"true\"}]",
        "\"volumes\": [{\"containerPath\": \"/etc/localtime\", \"hostPath\": \"/etc/localtime\", \"mode\": \"RO\"},"
            + " {\"containerPath\": \"/data\", \"hostPath\": \"/srv/data\"}]");
    AppSpec s = read(json);
    AppSpec again = read(AppJson.MAPPER.writeValueAsString(AppJson.write(s)));
    assertEquals(s, again);
    TaskLaunch l = TaskLaunch.of("t1", s, "agent-1", Map.of("A", "1"), List.of());
    assertEquals("local/busybox:1", l.image());
    assertEquals(new TaskContainer("NONE", List.of(), List.of(new TaskContainer.Mount("/etc/localtime", "/etc/localtime", true),
        new TaskContainer.Mount("/data", "/srv/data", true)), List.of(new TaskContainer.Param("init", "true")), false, true,
        Map.of()), l.container());
    assertEquals(TaskContainer.HOST, new TaskLaunch("t", "/a", 1, "ag", "x", List.of(), "", Map.of(), 1, 1, 0, List.of(), 3).container());
  }
}
