package io.upone.bench;

import io.upone.agent.Agent;
import io.upone.agent.AgentConfig;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.driver.Resources;
import io.upone.core.proto.TaskState;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import io.upone.server.UponeServer;
import io.upone.server.config.ServerConfig;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Master-agent mode at scale: 1,000 short `sleep` tasks on two local agents, real processes.
 * (a) burst: one app of 1,000 instances, launches per second until all RUNNING;
 * (b) latency: 1,000 one-instance apps submitted 50 at a time, submit → RUNNING p50/p99.
 * Usage: LaunchBench [tasks]
 */
public final class LaunchBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path dir = Files.createTempDirectory("upone-launch-bench");
    String marker = "upone-bench-" + UUID.randomUUID();
    ServerConfig cfg = ServerConfig.single(dir.resolve("master"), BenchUtil.freePort(), BenchUtil.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(250, 10_000));
    UponeServer server = UponeServer.start(cfg).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    server.awaitReady(java.time.Duration.ofSeconds(30));
    String url = server.url();
    List<Vertx> agentVertx = new ArrayList<>();
    List<Agent> agents = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      AgentConfig ac = new AgentConfig(url, Resources.parse("cpus:1000;mem:1000000;disk:1000000"), Map.of("rack", name),
          dir.resolve("agent-" + name), "bench-" + name, "127.0.0.1", 0, 250, 1 << 20);
      Vertx v = Vertx.vertx();
      Agent agent = new Agent(ac, new ProcessExecutor()).killTasksOnStop(true);
      v.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      agentVertx.add(v);
      agents.add(agent);
    }
    BenchUtil.await(() -> server.log().state() != null && BenchHttp.get(url + "/v1/agents").contains("bench-b"), 30_000);
    System.out.printf("launch bench: %d tasks, 2 agents, real processes (sleep), 2 cores%n", n);
    try {
      burst(server, url, n, marker);
      latency(server, url, n, marker);
    } finally {
      for (Agent a : agents) a.endAllTasks(java.time.Duration.ofSeconds(5));
      for (Vertx v : agentVertx) v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      server.stop().get(30, TimeUnit.SECONDS);
      ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void burst(UponeServer server, String url, int n, String marker) throws Exception {
    String body = "{\"id\": \"/bench/burst\", \"cmd\": \"sleep 120; true # " + marker + "\", \"cpus\": 0.01, "
        + "\"mem\": 1, \"instances\": " + n + ", \"portDefinitions\": []}";
    long t0 = System.currentTimeMillis();
    long t0n = System.nanoTime();
    BenchHttp.post(url + "/v1/apps", body);
    BenchUtil.await(() -> running(server.log().state(), "/bench/burst") == n, 300_000);
    double secs = (System.nanoTime() - t0n) / 1e9;
    long[] lat = server.log().state().tasksOf("/bench/burst").stream().mapToLong(t -> t.runningAtMs() - t0).sorted().toArray();
    System.out.printf("  burst: one app x %d: all RUNNING in %.2f s = %.0f launches/s; submit->RUNNING p50 %d ms, p99 %d ms%n",
        n, secs, n / secs, BenchHttp.pct(lat, 50), BenchHttp.pct(lat, 99));
    BenchHttp.del(url + "/v1/apps/bench/burst");
    BenchUtil.await(() -> server.log().state().tasksOf("/bench/burst").isEmpty(), 120_000);
  }

  private static void latency(UponeServer server, String url, int n, String marker) throws Exception {
    Semaphore window = new Semaphore(50);
    long[] submitted = new long[n];
    List<CompletableFuture<Void>> done = new ArrayList<>();
    long t0n = System.nanoTime();
    for (int i = 0; i < n; i++) {
      window.acquire();
      String id = "/bench/one-" + i;
      submitted[i] = System.currentTimeMillis();
      String body = "{\"id\": \"" + id + "\", \"cmd\": \"sleep 120; true # " + marker + "\", \"cpus\": 0.01, \"mem\": 1,"
          + " \"instances\": 1, \"portDefinitions\": []}";
      int idx = i;
      done.add(BenchHttp.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url + "/v1/apps")).POST(HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.discarding())
          .thenCompose(r -> CompletableFuture.runAsync(() -> {
            try {
              BenchUtil.await(() -> running(server.log().state(), id) == 1, 300_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }))
          .whenComplete((v, t) -> window.release()));
    }
    CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(600, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - t0n) / 1e9;
    State s = server.log().state();
    long[] lat = new long[n];
    for (int i = 0; i < n; i++) {
      Task t = s.tasksOf("/bench/one-" + i).iterator().next();
      lat[i] = t.runningAtMs() - submitted[i];
    }
    Arrays.sort(lat);
    System.out.printf("  apps: %d one-instance apps, 50 in flight: %.2f s = %.0f launches/s; submit->RUNNING p50 %d ms, "
        + "p99 %d ms, max %d ms%n", n, secs, n / secs, BenchHttp.pct(lat, 50), BenchHttp.pct(lat, 99), lat[n - 1]);
  }

  private static long running(State s, String appId) {
    return s.tasksOf(appId).stream().filter(t -> t.state() == TaskState.TASK_RUNNING).count();
  }

}
