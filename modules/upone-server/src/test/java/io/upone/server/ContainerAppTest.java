package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.docker.CreateBody;
import io.upone.agent.docker.DockerEngine;
import io.upone.agent.docker.DockerExecutor;
import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.driver.Resources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image app end to end: a real upone node, a real agent with the Docker executor, the real
 * engine (scripts/setup-docker.sh). Skips without an engine, except on CI (CI=true), where it fails.
 */
class ContainerAppTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String IMAGE = System.getenv().getOrDefault("UPONE_TEST_IMAGE", "local/busybox:1");
  @TempDir Path dir;
  DockerEngine engine;
  TestNode master;
  final List<Vertx> agentVertx = new ArrayList<>();
  final List<Agent> agents = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    engine = connectOrSkip();
    master = TestNode.agentMaster(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (engine == null) return;
    try {
      for (Vertx v : agentVertx) v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (master != null) master.close();
      for (Agent a : agents) {
        JsonArray left = await(engine.listByLabel(CreateBody.AGENT_LABEL, a.agentId()));
        for (Object o : left) await(engine.remove(((JsonObject) o).getString("Id")));
        assertEquals(0, left.size(), "containers left behind by agent " + a.agentId() + ": " + left);
      }
    } finally {
      engine.close();
    }
  }

  static DockerEngine connectOrSkip() throws Exception {
    String[] why = {"no Docker engine socket"};
    Optional<DockerEngine> e = DockerEngine.locate(System.getenv()).flatMap(s -> DockerEngine.connect(s, why));
    if (e.isPresent() && !await(e.get().imagePresent(IMAGE))) {
      e.get().close();
      e = Optional.empty();
      why[0] = "the engine has no image " + IMAGE;
    }
    if (e.isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs a Docker engine: " + why[0]);
      Assumptions.assumeTrue(false, "skipped: " + why[0] + "; run scripts/setup-docker.sh (as root)");
    }
    return e.get();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  Agent startAgent(String name, String resources, boolean docker) throws Exception {
    AgentConfig ac = new AgentConfig(master.url(), Resources.parse(resources), Map.of(), dir.resolve("agent-" + name),
        "host-" + name, "127.0.0.1", 0, 200, 1 << 20);
    List<Executor> executors = new ArrayList<>(List.of(new ProcessExecutor()));
    if (docker) executors.add(new DockerExecutor(connectOrSkip(), ContainerPolicy.DEFAULT, 1 << 20));
    Vertx v = Vertx.vertx();
    Agent agent = new Agent(ac, executors).killTasksOnStop(true);
    v.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    agentVertx.add(v);
    agents.add(agent);
    return agent;
  }

  JsonArray tasks(String appId) {
    return master.get("/v1/apps" + appId + "/tasks").json().getJsonArray("tasks");
  }

  String imageApp(String id, String cmd, String extraContainer) {
    return "{\"id\": \"" + id + "\", \"cmd\": " + new JsonArray().add(cmd).encode().replaceAll("^\\[|\\]$", "")
        + ", \"cpus\": 0.1, \"mem\": 32, \"instances\": 1, \"env\": {\"GREETING\": \"hello\"},"
        + " \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"" + IMAGE + "\"}" + extraContainer + "}}";
  }

  @Test
  void anImageAppServesOnItsHostPortAndLeavesNoContainerWhenDeleted() throws Exception {
    // one port that is free now: other programs on this machine hold ports of any fixed range
    int free = TestNode.freePort();
    Agent agent = startAgent("d", "cpus:2;mem:1024;disk:1000;ports:[" + free + "-" + free + "]", true);
    TestNode.await("the agent", WAIT, () -> master.get("/v1/agents").json().getJsonArray("agents").size() == 1);
    JsonObject described = master.get("/v1/agents").json().getJsonArray("agents").getJsonObject(0);
    assertEquals(new JsonArray().add("docker").add("process"), described.getJsonArray("executors"));

    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("note"), "from the host\n");
    String app = imageApp("/ctr/web", "cat /data/note; echo \"$GREETING on $PORT0\"; exec httpd -f -p 127.0.0.1:$PORT0 -h /www",
        ", \"volumes\": [{\"containerPath\": \"/data\", \"hostPath\": \"" + data + "\", \"mode\": \"RO\"}]");
    assertEquals(201, master.post("/v1/apps", app).status());
    TestNode.await("the task running", WAIT, () -> tasks("/ctr/web").size() == 1
        && "TASK_RUNNING".equals(tasks("/ctr/web").getJsonObject(0).getString("state")));
    JsonObject task = tasks("/ctr/web").getJsonObject(0);
    int port = task.getJsonArray("ports").getInteger(0);
    TestNode.await("httpd on " + port, WAIT, () -> {
      try {
        return TestNode.request("http://127.0.0.1:" + port, "GET", "/", null, null).body().equals("hello from upone busybox\n");
      } catch (IllegalStateException refused) {
        return false;
      }
    });
    String taskId = task.getString("id");
    assertEquals("from the host\nhello on " + port + "\n",
        TestNode.request(agent.url(), "GET", "/v1/tasks/" + taskId + "/logs?stream=stdout", null, null).body());
    assertEquals(1, await(engine.listByLabel(CreateBody.TASK_LABEL, taskId)).size());

    assertEquals(200, master.delete("/v1/apps/ctr/web").status());
    TestNode.await("no container of the task", WAIT, () -> {
      try {
        return await(engine.listByLabel(CreateBody.TASK_LABEL, taskId)).isEmpty();
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void badContainerFieldsAre400NamingTheFieldAndWriteNothing() {
    String[][] cases = {
        {"\"docker\": {\"image\": \"Not A/Reference\"}", "container.docker.image"},
        {"\"docker\": {\"image\": \"" + IMAGE + "\"}, \"volumes\": [{\"containerPath\": \"/d\", \"hostPath\": \"data\"}]",
            "container.volumes[0].hostPath"},
        {"\"docker\": {\"image\": \"" + IMAGE + "\"}, \"volumes\": [{\"containerPath\": \"/d\", \"hostPath\": \"/proc/1\"}]",
            "container.volumes[0].hostPath"},
        {"\"docker\": {\"image\": \"" + IMAGE + "\", \"network\": \"BRIDGE\"}, \"portMappings\": [{\"hostPort\": 0}]",
            "container.portMappings[0].containerPort"},
        {"\"docker\": {\"image\": \"" + IMAGE + "\", \"privileged\": true}", "container.docker.privileged"}};
    long before = master.lastEventIndex();
    for (String[] c : cases) {
      TestNode.Resp r = master.post("/v1/apps", "{\"id\": \"/ctr/bad\", \"cmd\": \"true\", \"container\": {\"type\": \"DOCKER\", "
          + c[0] + "}}");
      assertEquals(400, r.status(), r.body());
      assertTrue(r.json().getJsonArray("errors").stream().anyMatch(e -> c[1].equals(((JsonObject) e).getString("field"))),
          "expected an error on " + c[1] + " in " + r.body());
    }
    assertEquals(404, master.get("/v1/apps/ctr/bad").status());
    assertEquals(before, master.lastEventIndex(), "nothing written");
  }

  @Test
  void anImageAppIsPendingWhereNoAgentRunsDockerAndSaysWhy() throws Exception {
    startAgent("p", "cpus:2;mem:1024;disk:1000;ports:[32310-32319]", false);
    assertEquals(201, master.post("/v1/apps", imageApp("/ctr/pending", "sleep 300", "")).status());
    TestNode.await("a placement report naming the executor", WAIT, () -> {
      JsonObject p = master.get("/v1/apps/ctr/pending/placement").json();
      JsonObject report = p.getJsonObject("report");
      return report != null && report.getJsonObject("rejected").getInteger("executor(docker)", 0) >= 1;
    });
    JsonObject p = master.get("/v1/apps/ctr/pending/placement").json();
    assertEquals(1, p.getInteger("pending"));
    assertTrue(p.getJsonObject("report").getString("summary").contains("by executor(docker)"), p.encode());
    assertEquals(0, tasks("/ctr/pending").size());
  }
}
