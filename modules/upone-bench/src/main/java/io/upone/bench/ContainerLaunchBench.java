package io.upone.bench;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.AgentExecutors;
import io.upone.agent.exec.Executor;
import io.upone.core.driver.Resources;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.server.UponeServer;
import io.upone.server.config.ServerConfig;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Containers against processes on one agent, in the same run: one app of N instances (default
 * 50) as `sleep` processes, then as busybox containers running `sleep`, alternating for a few
 * rounds. For each task: launch (TaskLaunched committed) → RUNNING, p50/p99/max; per round: submit
 * → all RUNNING. Needs a Docker engine (scripts/setup-docker.sh) with the image local/busybox:1.
 * Usage: ContainerLaunchBench [instances] [rounds]
 */
public final class ContainerLaunchBench {
  private static final String IMAGE = System.getenv().getOrDefault("UPONE_TEST_IMAGE", "local/busybox:1");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path dir = Files.createTempDirectory("upone-container-bench");
    String marker = "upone-bench-" + UUID.randomUUID();
    ServerConfig cfg = ServerConfig.single(dir.resolve("master"), BenchUtil.freePort(), BenchUtil.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(250, 10_000));
    UponeServer server = UponeServer.start(cfg).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    server.awaitReady(java.time.Duration.ofSeconds(30));
    String url = server.url();
    List<Executor> executors = AgentExecutors.detect(System.getenv(), 1 << 20);
    if (executors.stream().noneMatch(e -> e.name().equals("docker"))) {
      server.stop().get(30, TimeUnit.SECONDS);
      throw new IllegalStateException("no Docker engine answers: run scripts/setup-docker.sh and set DOCKER_HOST");
    }
    AgentConfig ac = new AgentConfig(url, Resources.parse("cpus:100;mem:100000;disk:100000"), Map.of(), dir.resolve("agent"),
        "bench-agent", "127.0.0.1", 0, 250, 1 << 20);
    Vertx v = Vertx.vertx();
    Agent agent = new Agent(ac, executors).killTasksOnStop(true);
    v.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    BenchUtil.await(() -> BenchHttp.get(url + "/v1/agents").contains("bench-agent"), 30_000);
    System.out.printf("container launch bench: %d instances per app, one agent, %d round(s) each, %d cores%n", n, rounds,
        Runtime.getRuntime().availableProcessors());
    try {
      for (int r = 1; r <= rounds; r++) {
        run(server, url, "/bench/proc-" + r, n, "\"cmd\": \"sleep 300; true # " + marker + "\"", "processes ");
        run(server, url, "/bench/ctr-" + r, n, "\"cmd\": \"sleep 300\", \"container\": {\"type\": \"DOCKER\", "
            + "\"docker\": {\"image\": \"" + IMAGE + "\"}}", "containers");
      }
    } finally {
      agent.endAllTasks(java.time.Duration.ofSeconds(5));
      v.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      server.stop().get(30, TimeUnit.SECONDS);
      ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void run(UponeServer server, String url, String id, int n, String what, String label) throws Exception {
    String body = "{\"id\": \"" + id + "\", " + what + ", \"cpus\": 0.01, \"mem\": 16, \"instances\": " + n
        + ", \"portDefinitions\": []}";
    long t0 = System.nanoTime();
    BenchHttp.post(url + "/v1/apps", body);
    BenchUtil.await(() -> running(server.log().state(), id) == n, 600_000);
    double all = (System.nanoTime() - t0) / 1e9;
    long[] lat = server.log().state().tasksOf(id).stream().mapToLong(t -> t.runningAtMs() - t.launchedAtMs()).sorted().toArray();
    System.out.printf("  %s x %d: launch->RUNNING p50 %5d ms, p99 %5d ms, max %5d ms; submit->all RUNNING %.2f s%n",
        label, n, BenchHttp.pct(lat, 50), BenchHttp.pct(lat, 99), lat[lat.length - 1], all);
    BenchHttp.del(url + "/v1/apps" + id);
    BenchUtil.await(() -> server.log().state().tasksOf(id).isEmpty(), 300_000);
  }

  private static long running(State s, String appId) {
    return s.tasksOf(appId).stream().map(Task::state).filter(st -> st == TaskState.TASK_RUNNING).count();
  }

}
