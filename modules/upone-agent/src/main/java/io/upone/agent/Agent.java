package io.upone.agent;

import io.upone.agent.exec.Executor;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.proto.TaskState;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upone agent: offers this machine to the master and runs the tasks it is given as real
 * processes, or as containers when it has the Docker executor (the first executor that accepts a
 * launch runs it). It heartbeats its resources and every task's state (the master reconciles from
 * that), sends each status change at once, and forgets a finished task only when the master
 * says its end is committed. After a restart it re-attaches to tasks that still run.
 */
public final class Agent extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  static final String META = ".upone-task.json";
  static final String DONE = ".upone-done";

  private final AgentConfig config;
  private final List<Executor> executors;
  private final Map<String, AgentTask> tasks = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<String> masters = new ArrayList<>();
  private int masterIdx;
  private String agentId;
  private HttpServer server;
  private HttpClient client;
  private long heartbeatMs;
  private volatile boolean stopping;
  private boolean killTasksOnStop;
  private String secret;
  private java.nio.file.Path masterCa;
  private LeaderTerms terms;
  /** Kill every task after this long without a master that answers (0: never, Mesos's keep-running). */
  private long killAfterMasterLossMs;
  private long lastMasterContactMs = System.currentTimeMillis();
  private boolean masterLossKilled;
  /** Tasks end this long after this agent is gone, unless an agent comes back (0: never). */
  private java.time.Duration orphanGrace = java.time.Duration.ZERO;
  private OrphanWatchdog watchdog;
  private final java.util.concurrent.atomic.AtomicInteger heartbeatsSent = new java.util.concurrent.atomic.AtomicInteger();

  public Agent(AgentConfig config, Executor executor) {
    this(config, List.of(executor));
  }

  /** An agent with several executors: a launch goes to the first that accepts it. The agent closes them when it stops. */
  public Agent(AgentConfig config, List<Executor> executors) {
    this.config = config;
    this.executors = List.copyOf(executors);
    for (String m : config.masterUrl().split(",")) if (!m.isBlank()) masters.add(m.trim().replaceAll("/+$", ""));
    this.heartbeatMs = config.heartbeatMs();
  }

  public String agentId() {
    return agentId;
  }

  public String url() {
    // bound to every interface: the master reaches this agent by its hostname
    String host = "0.0.0.0".equals(config.httpHost()) || "::".equals(config.httpHost()) ? config.hostname() : config.httpHost();
    return "http://" + host + ":" + server.actualPort();
  }

  @Override
  public void start(Promise<Void> started) {
    HttpClientOptions co = new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000);
    if (masterCa != null) co.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(masterCa.toString()));
    client = vertx.createHttpClient(co);
    guardAgainstOrphans();
    vertx.executeBlocking(this::recover, false)
        .compose(recovered -> {
          recovered.forEach(t -> {
            tasks.put(t.launch.taskId(), t);
            if (t.running != null) {
              watch(t);
              monitorHealth(t, env(t));
            }
          });
          Router r = Router.router(vertx);
          r.route().handler(BodyHandler.create(false).setBodyLimit(4 << 20));
          r.route("/v1/*").handler(this::authenticated);
          r.post("/v1/tasks").handler(this::launch);
          r.delete("/v1/tasks/:id").handler(this::kill);
          r.get("/v1/tasks").handler(c -> c.json(taskList()));
          r.get("/v1/tasks/:id/logs").handler(this::logs);
          r.get("/health").handler(c -> c.json(new JsonObject().put("agentId", agentId).put("tasks", tasks.size())));
          return vertx.createHttpServer().requestHandler(r).listen(config.httpPort(), config.httpHost());
        })
        .onSuccess(s -> {
          server = s;
          LOG.info("agent {} ({}) listening on {}, offering {}", agentId, config.hostname(), url(), config.resources());
          heartbeat();
          vertx.setPeriodic(5000, id -> capLogs());
          started.complete();
        })
        .onFailure(started::fail);
  }

  /**
   * Every command (launch, kill) and every read of task state or output needs the shared secret
   * when one is configured: whoever reaches this port could otherwise run any process here.
   */
  private void authenticated(RoutingContext ctx) {
    if (AgentSecret.matches(secret, ctx.request().getHeader(AgentSecret.HEADER))) {
      ctx.next();
      return;
    }
    LOG.warn("refused {} {} from {}: no valid agent secret", ctx.request().method(), ctx.request().path(),
        ctx.request().remoteAddress());
    Refusals.send(ctx, 401, "unauthenticated", "this agent takes commands only from its master: send the agent secret",
        AgentSecret.HEADER, "must be the agent secret");
  }

  /** Requires (and sends to the master) this shared secret; null for none. Call before deploying. */
  public Agent secret(String s) {
    this.secret = s == null || s.isBlank() ? null : s;
    return this;
  }

  /** Trusts this PEM certificate (or CA) when the master's URL is https. Call before deploying. */
  public Agent masterCa(java.nio.file.Path pem) {
    this.masterCa = pem;
    return this;
  }

  /**
   * Renews the orphan watchdog's lease from the event loop's timer, so that a hung loop stops
   * renewing too; the write itself goes to a worker. Starts before recovery: a restarted agent
   * claims its predecessor's tasks before their grace runs out.
   */
  private void guardAgainstOrphans() {
    watchdog = new OrphanWatchdog(config.workDir(), orphanGrace);
    if (orphanGrace.isZero() || orphanGrace.isNegative()) {
      // off now: a watchdog left by an earlier agent with a grace would end the tasks we re-adopt
      OrphanWatchdog w = watchdog;
      vertx.executeBlocking(() -> {
        w.stop();
        return null;
      }, false);
      return;
    }
    OrphanWatchdog w = watchdog;
    vertx.executeBlocking(() -> {
      w.renew();
      return null;
    }, false);
    vertx.setPeriodic(w.renewEveryMs(), id -> {
      if (stopping) {
        vertx.cancelTimer(id);
        return;
      }
      vertx.executeBlocking(() -> {
        w.renew();
        return null;
      }, false);
    });
  }

  /**
   * Ends this agent's tasks once the agent has been gone (dead or hung) for {@code grace}, unless
   * an agent starts on the same work dir within it ({@link OrphanWatchdog}); zero or negative:
   * they keep running. Call before deploying.
   */
  public Agent orphanGrace(java.time.Duration grace) {
    this.orphanGrace = grace;
    return this;
  }

  // ---- recovery --------------------------------------------------------------------------------

  private List<AgentTask> recover() throws Exception {
    agentId = Recovery.agentId(config.workDir());
    terms = new LeaderTerms(config.workDir());
    return Recovery.tasks(config.workDir(), agentId, executors);
  }

  private Executor executorFor(TaskLaunch l) {
    for (Executor e : executors) if (e.accepts(l)) return e;
    return null;
  }

  // ---- launch and kill ---------------------------------------------------------------------------

  /** Refuses (409 stale_term) a command from a leader older than one this agent has heard from. */
  private boolean fenced(RoutingContext ctx) {
    long term = LeaderTerms.of(ctx.request().getHeader(LeaderTerms.HEADER));
    if (term < 0) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("code", "invalid_term").put("message", LeaderTerms.HEADER + " must be a non-negative integer").encode());
      return true;
    }
    if (terms.admit(term)) return false;
    LOG.warn("refused {} {} from a leader of term {}: this agent follows term {}", ctx.request().method(),
        ctx.request().path(), term, terms.highest());
    ctx.response().setStatusCode(409).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("code", "stale_term").put("message", "command from a leader of term " + term + "; this agent has seen term "
            + terms.highest()).put("term", terms.highest()).encode());
    return true;
  }

  private void launch(RoutingContext ctx) {
    if (fenced(ctx)) return;
    JsonArray body;
    try {
      body = ctx.body().asJsonArray();
    } catch (RuntimeException e) {
      Refusals.send(ctx, 400, "invalid_request", "body must be a JSON array of launches", "$", "must be a JSON array of launches");
      return;
    }
    List<TaskLaunch> launches = new ArrayList<>();
    try {
      body.forEach(o -> launches.add(Wire.launch((JsonObject) o)));
    } catch (RuntimeException e) {
      Refusals.send(ctx, 400, "invalid_request", String.valueOf(e.getMessage()), "$", String.valueOf(e.getMessage()));
      return;
    }
    for (TaskLaunch l : launches) {
      if (tasks.containsKey(l.taskId())) continue; // idempotent: a retried launch
      AgentTask t = new AgentTask(l, config.workDir().resolve("sandboxes").resolve(l.taskId()));
      tasks.put(l.taskId(), t);
      start(t);
    }
    ctx.response().setStatusCode(202).end();
  }

  private void start(AgentTask t) {
    TaskLaunch l = t.launch;
    Executor executor = executorFor(l);
    if (executor == null) {
      finish(t, TaskState.TASK_FAILED, 0, "no executor on this agent can run image " + l.image()
          + " (no container engine answers)", "executor_unavailable");
      return;
    }
    Map<String, String> env = env(t);
    vertx.executeBlocking(() -> {
      Executor.RunningTask running = executor.launch(l, t.sandbox, env);
      t.running = running;
      if (stopping && killTasksOnStop) {
        // started while the agent stops: endAllTasks may have looked before it had a pid
        running.signal("KILL");
      }
      Files.writeString(t.sandbox.resolve(META), new JsonObject().put("launch", Wire.launch(l)).put("pid", running.pid())
          .put("startedAtMs", running.startedAt().toEpochMilli()).put("executor", executor.name())
          .put("containerId", running.containerId()).encodePrettily());
      return running;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        finish(t, TaskState.TASK_FAILED, 0, "could not start: " + ar.cause().getMessage(), "launch_failed");
        return;
      }
      t.running = ar.result();
      if (t.killRequested) {
        signal(t, "KILL");
      }
      t.state = TaskState.TASK_RUNNING;
      sendStatus(t);
      watch(t);
      monitorHealth(t, env);
    });
  }

  /** The task's environment: the app's own, plus where it runs (host, ports, ids, sandbox). */
  private Map<String, String> env(AgentTask t) {
    TaskLaunch l = t.launch;
    Map<String, String> env = new LinkedHashMap<>(l.env());
    env.put("HOST", config.hostname());
    env.put("UPONE_TASK_ID", l.taskId());
    env.put("UPONE_APP_ID", l.appId());
    env.put("UPONE_AGENT_ID", agentId);
    env.put("MESOS_SANDBOX", t.sandbox.toString());
    for (int i = 0; i < l.hostPorts().size(); i++) env.put("PORT" + i, String.valueOf(l.hostPorts().get(i)));
    if (!l.hostPorts().isEmpty()) {
      env.put("PORT", String.valueOf(l.hostPorts().get(0)));
      env.put("PORTS", String.join(",", l.hostPorts().stream().map(String::valueOf).toList()));
    }
    return env;
  }

  /** Runs the task's health checks beside it; each change of its health is reported at once. */
  private void monitorHealth(AgentTask t, Map<String, String> env) {
    if (t.launch.healthChecks().isEmpty() || t.terminal()) return;
    t.health = new HealthMonitor(vertx, t.launch.healthChecks(), t.launch.hostPorts(), "127.0.0.1", t.sandbox, env,
        healthy -> {
          if (t.terminal()) return;
          t.healthy = healthy;
          LOG.info("task {} is {}", t.launch.taskId(), healthy ? "healthy" : "unhealthy");
          sendStatus(t);
        });
    t.health.start();
  }

  private void watch(AgentTask t) {
    t.running.exit().whenComplete((code, err) -> vertx.runOnContext(v -> ended(t, code)));
  }

  /**
   * The task's first process has exited. A killed task is reported KILLED only once nothing of it
   * runs any more: a server draining after SIGTERM still holds its ports, and a task reported
   * ended frees them for the next launch. (The SIGKILL after the grace period bounds the wait.)
   */
  private void ended(AgentTask t, Integer code) {
    if (t.terminal()) return;
    if (t.killRequested) {
      vertx.executeBlocking(t.running::groupAlive, false).onComplete(ar -> {
        if (ar.succeeded() && ar.result()) vertx.setTimer(50, id -> ended(t, code));
        else finish(t, TaskState.TASK_KILLED, code == null ? 0 : code, "killed on request", "killed");
      });
      return;
    }
    if (t.running.outOfMemory()) {
      finish(t, TaskState.TASK_FAILED, code == null ? 137 : code, "out of memory: killed at its limit of "
          + Math.round(t.launch.mem()) + " MiB", "out_of_memory");
    } else if (code == null) finish(t, TaskState.TASK_FAILED, 137, "killed by a signal", "signaled");
    else if (code == 0) finish(t, TaskState.TASK_FINISHED, 0, "exited with 0", "");
    else finish(t, TaskState.TASK_FAILED, code, "exited with " + code, "exit_code");
  }

  private void finish(AgentTask t, TaskState state, int code, String message, String reason) {
    if (t.health != null) t.health.stop();
    t.state = state;
    t.exitCode = code;
    t.message = message;
    t.reason = reason;
    sendStatus(t);
  }

  private void kill(RoutingContext ctx) {
    if (fenced(ctx)) return;
    AgentTask t = tasks.get(ctx.pathParam("id"));
    if (t == null) {
      Refusals.send(ctx, 404, "task_not_found", "no task " + ctx.pathParam("id") + " on this agent", "taskId", "names no task on this agent");
      return;
    }
    String g = ctx.request().getParam("grace", "3");
    if (!g.matches("[0-9]{1,6}")) {
      Refusals.send(ctx, 400, "invalid_request", "grace must be a number of seconds", "grace", "must be 0-999999 in ASCII digits");
      return;
    }
    int grace = Integer.parseInt(g);
    kill(t, grace);
    ctx.response().setStatusCode(202).end();
  }

  private void kill(AgentTask t, int graceSeconds) {
    if (t.terminal()) return;
    boolean first = !t.killRequested;
    t.killRequested = true;
    if (first && t.state == TaskState.TASK_RUNNING) {
      t.state = TaskState.TASK_KILLING; // draining: it is not to be sent work any more
      sendStatus(t);
    }
    if (t.running == null) return; // starting: killed as soon as it has a pid
    signal(t, "TERM");
    vertx.setTimer(Math.max(0, graceSeconds) * 1000L + 1, id -> vertx.executeBlocking(t.running::groupAlive, false)
        .onSuccess(alive -> {
          if (alive) signal(t, "KILL");
        }));
  }

  private void signal(AgentTask t, String sig) {
    vertx.executeBlocking(() -> {
      t.running.signal(sig);
      return null;
    }, false);
  }

  // ---- talking to the master -----------------------------------------------------------------------

  private JsonArray taskList() {
    JsonArray a = new JsonArray();
    tasks.values().forEach(t -> a.add(t.heartbeatJson(agentId)));
    return a;
  }

  private JsonArray executorsJson() {
    JsonArray a = new JsonArray();
    executors.forEach(e -> a.add(e.name()));
    return a;
  }

  /** What the master is told this agent runs: "process", "docker". */
  public List<String> executorNames() {
    return executors.stream().map(Executor::name).toList();
  }

  private void heartbeat() {
    if (stopping) return;
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
        / Math.max(1, Runtime.getRuntime().availableProcessors());
    JsonObject body = new JsonObject().put("agentId", agentId).put("hostname", config.hostname()).put("url", url())
        .put("resources", Wire.resources(config.resources())).put("attributes", new JsonObject(new LinkedHashMap<>(config.attributes())))
        .put("load", Math.max(0, load)).put("tasks", taskList()).put("executors", executorsJson());
    executors.forEach(e -> e.details().forEach(body::put));
    heartbeatsSent.incrementAndGet();
    post("/v1/agents/heartbeat", body).onComplete(ar -> {
      boolean answered = ar.succeeded() && ar.result().getInteger("status") == 200;
      long term = answered ? ar.result().getJsonObject("body").getLong("term", 0L) : 0L;
      if (answered && !terms.admit(term)) {
        // a deposed leader (cut off from its group, still answering): its kills and forgets are
        // refused like its commands, and the leader is looked for at the next master
        LOG.warn("heartbeat answer from a leader of term {}: this agent follows term {}; ignored", term, terms.highest());
        answered = false;
      }
      if (answered) {
        JsonObject res = ar.result().getJsonObject("body");
        lastMasterContactMs = System.currentTimeMillis();
        masterLossKilled = false;
        heartbeatMs = res.getLong("heartbeatMs", heartbeatMs);
        res.getJsonArray("forget", new JsonArray()).forEach(id -> forget((String) id));
        // tasks the master has replaced (or never knew): they must not run beside their replacements
        res.getJsonArray("kill", new JsonArray()).forEach(o -> {
          JsonObject k = (JsonObject) o;
          AgentTask t = tasks.get(k.getString("taskId", ""));
          if (t != null && !t.terminal()) kill(t, k.getInteger("grace", 3));
        });
      } else {
        masterIdx++; // try the next master URL next time
        masterLost();
      }
      if (!stopping) vertx.setTimer(heartbeatMs, id -> heartbeat());
    });
  }

  /**
   * No master has answered for longer than allowed: this agent's tasks have most likely been
   * replaced elsewhere, so they end here rather than run twice (off unless configured).
   */
  private void masterLost() {
    long silent = System.currentTimeMillis() - lastMasterContactMs;
    if (killAfterMasterLossMs <= 0 || masterLossKilled || silent < killAfterMasterLossMs) return;
    masterLossKilled = true;
    List<AgentTask> alive = tasks.values().stream().filter(t -> !t.terminal()).toList();
    LOG.warn("no master answered for {} ms (limit {} ms): killing {} tasks", silent, killAfterMasterLossMs, alive.size());
    alive.forEach(t -> kill(t, 3));
  }

  /** Kill every task after {@code d} without a master (zero or negative: never). */
  public Agent killTasksAfterMasterLoss(java.time.Duration d) {
    this.killAfterMasterLossMs = d.toMillis();
    return this;
  }

  /** Heartbeats this agent has sent, answered or not (tests, diagnostics). */
  public int heartbeatsSent() {
    return heartbeatsSent.get();
  }

  /** The highest leader term this agent has heard from. */
  public long leaderTerm() {
    return terms.highest();
  }

  /** The master has committed this task's end: keep its sandbox for inspection, stop reporting it. */
  private void forget(String taskId) {
    AgentTask t = tasks.get(taskId);
    if (t == null || !t.terminal()) return;
    tasks.remove(taskId);
    vertx.executeBlocking(() -> Files.writeString(t.sandbox.resolve(DONE), t.state.name()), false);
  }

  private void sendStatus(AgentTask t) {
    post("/v1/agents/status", Wire.report(t.report(agentId)).put("agentId", agentId));
  }

  private Future<JsonObject> post(String path, JsonObject body) {
    URI base = URI.create(masters.get(Math.floorMod(masterIdx, masters.size())));
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost()).setPort(base.getPort())
        .setURI(path).setTimeout(5000).putHeader("Content-Type", "application/json")
        .setSsl("https".equals(base.getScheme()));
    if (secret != null) o.putHeader(AgentSecret.HEADER, secret);
    return client.request(o).compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(res -> res.body().map(b -> new JsonObject().put("status", res.statusCode())
            .put("body", b.length() == 0 || res.statusCode() != 200 ? new JsonObject() : b.toJsonObject())));
  }

  // ---- logs ----------------------------------------------------------------------------------------

  /** GET /v1/tasks/:id/logs?stream=stdout|stderr&bytes=N: the end of a task's output, as text. */
  private void logs(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AgentTask t = tasks.get(id);
    Path sandbox = t != null ? t.sandbox : config.workDir().resolve("sandboxes").resolve(id);
    TaskOutput.serve(vertx, ctx, t == null ? null : t.running, sandbox, id);
  }

  private void capLogs() {
    List<Path> sandboxes = tasks.values().stream().filter(t -> !t.terminal()).map(t -> t.sandbox).toList();
    vertx.executeBlocking(() -> {
      for (Path s : sandboxes) {
        for (String f : List.of("stdout", "stderr")) LogCap.rotateIfOver(s.resolve(f), config.logCapBytes());
      }
      return null;
    }, false);
  }

  /**
   * Stops heartbeating. A standalone agent leaves its tasks running (a restarted agent re-attaches
   * to them); an embedded one ({@code killTasksOnStop}) ends them, so `make run` leaves nothing behind.
   */
  @Override
  public void stop(Promise<Void> stopped) {
    stopping = true;
    vertx.executeBlocking(() -> {
      if (killTasksOnStop) {
        endAllTasks(java.time.Duration.ofSeconds(3));
        if (watchdog != null) watchdog.stop();
      }
      executors.forEach(Executor::close);
      return null;
    }, false).onComplete(ar -> stopped.complete());
  }

  /**
   * Ends every running task now: SIGTERM to each process group, SIGKILL to what is left after
   * the grace period. Synchronous and independent of Vert.x, so it also works from a JVM
   * shutdown hook while other hooks are tearing thread pools down.
   */
  public void endAllTasks(java.time.Duration grace) {
    stopping = true;
    List<AgentTask> alive = tasks.values().stream().filter(t -> t.running != null && t.running.alive()).toList();
    for (AgentTask t : alive) {
      t.killRequested = true;
      t.running.signal("TERM");
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (AgentTask t : alive) {
      try {
        t.running.exit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        t.running.signal("KILL");
      }
    }
    // a container's exit completes once the engine removed it: give that a moment, or it stays behind
    long removal = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    for (AgentTask t : alive) {
      try {
        t.running.exit().get(Math.max(1, removal - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        LOG.warn("task {} did not end within 10 s of SIGKILL", t.launch.taskId());
      }
    }
  }

  private String deploymentId;

  public void deploymentId(String id) {
    this.deploymentId = id;
  }

  public String deploymentId() {
    return deploymentId;
  }

  /** Ends every task when this agent stops (embedded agents, tests). */
  public Agent killTasksOnStop(boolean kill) {
    this.killTasksOnStop = kill;
    return this;
  }

  /** The pids of this agent's running tasks (tests, diagnostics). */
  public Map<String, Long> runningPids() {
    Map<String, Long> out = new LinkedHashMap<>();
    tasks.forEach((id, t) -> {
      if (t.running != null && t.running.alive()) out.put(id, t.running.pid());
    });
    return out;
  }
}
