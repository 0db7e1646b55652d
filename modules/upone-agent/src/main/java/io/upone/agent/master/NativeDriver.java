package io.upone.agent.master;

import io.upone.agent.Wire;
import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master side of upone's own agents, behind the {@link ClusterDriver} port. Agents heartbeat
 * their resources and tasks; from that the driver makes offers (total minus what live and
 * just-launched tasks hold), reports task states, answers reconciliation and declares agents
 * lost when they fall silent. All state lives on the scheduler's context.
 */
public final class NativeDriver implements ClusterDriver {
  private static final Logger LOG = LoggerFactory.getLogger(NativeDriver.class);

  private final Vertx vertx;
  private final Context context;
  private final long heartbeatMs;
  private final long agentTimeoutMs;
  private final HttpClient client;
  private final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  private final Map<String, String> reconciling = new HashMap<>(); // taskId -> agentId
  /**
   * Tasks one heartbeat did not list. LOST takes a second heartbeat without them: the first may
   * have been composed before a launch sent by the previous leader reached the agent, and calling
   * such a task LOST would start its work a second time.
   */
  private final Set<String> missedOnce = new HashSet<>();
  private long reconcileDeadlineMs;
  private Listener listener;
  private boolean revived;
  private long offerSeq;
  private long timer = -1;
  private String agentSecret;
  /** The term of the leader this driver works for: on every command, and in heartbeat answers. */
  private long term;
  /**
   * After a (new) leader starts: until every agent its log knows has heartbeated, or the agent
   * timeout has passed, nothing is offered and kills for agents not yet back wait for them.
   */
  private final ReRegistration reRegistration = new ReRegistration();

  public NativeDriver(Vertx vertx, Context context, long heartbeatMs, long agentTimeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.heartbeatMs = heartbeatMs;
    this.agentTimeoutMs = agentTimeoutMs;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000));
  }

  /** The secret sent with every command, which agents configured with it require. Call before {@link #start}. */
  public NativeDriver agentSecret(String secret) {
    this.agentSecret = secret;
    return this;
  }

  @Override
  public void leaderTerm(long t) {
    context.runOnContext(v -> term = t);
  }

  @Override
  public void start(Listener l) {
    context.runOnContext(v -> {
      listener = l;
      reRegistration.begin(System.currentTimeMillis());
      timer = vertx.setPeriodic(Math.max(100, heartbeatMs / 2), id -> checkAgents());
    });
  }

  @Override
  public void stop() {
    context.runOnContext(v -> {
      if (timer >= 0) vertx.cancelTimer(timer);
      listener = null;
      reRegistration.end();
      agents.clear();
      reconciling.clear();
      missedOnce.clear();
    });
  }

  /** Where an agent's own API answers (its task output, for one), or null for an agent not registered. */
  public void agentUrl(String agentId, Consumer<String> answer) {
    context.runOnContext(v -> {
      AgentRecord a = agents.get(agentId);
      answer.accept(a == null || a.url == null || a.url.isEmpty() ? null : a.url);
    });
  }

  public boolean running() {
    return listener != null;
  }

  // ---- from agents (HTTP handlers call these; they hop onto the driver's context) ----------------

  /** An agent's heartbeat (also its registration). Answers what it may forget and must kill. */
  public void heartbeat(JsonObject hb, Consumer<JsonObject> answer) {
    context.runOnContext(v -> answer.accept(onHeartbeat(hb)));
  }

  public void status(JsonObject s, Runnable answered) {
    context.runOnContext(v -> {
      if (listener != null) {
        TaskReport r = Wire.report(s);
        AgentRecord a = agents.get(r.agentId());
        if (a != null) {
          JsonObject line = a.reported.get(r.taskId());
          if (line == null) line = a.pending.get(r.taskId());
          if (line != null) line.put("state", r.state().name());
        }
        listener.report(r);
      }
      answered.run();
    });
  }

  private JsonObject onHeartbeat(JsonObject hb) {
    if (listener == null) return null;
    String id = hb.getString("agentId");
    AgentRecord a = agents.computeIfAbsent(id, k -> {
      LOG.info("agent {} ({}) registered from {}", k, hb.getString("hostname"), hb.getString("url"));
      return new AgentRecord(k);
    });
    reRegistration.registered(id).forEach(a.killing::put);
    a.hostname = hb.getString("hostname", "");
    a.url = hb.getString("url", "");
    Map<String, String> attrs = new LinkedHashMap<>();
    hb.getJsonObject("attributes", new JsonObject()).forEach(e -> attrs.put(e.getKey(), String.valueOf(e.getValue())));
    a.attributes = attrs;
    // an agent that does not say what it runs predates containers: processes only
    Set<String> executors = new java.util.TreeSet<>();
    hb.getJsonArray("executors", new JsonArray().add("process")).forEach(e -> executors.add(String.valueOf(e)));
    a.executors = executors;
    Map<String, String> details = new LinkedHashMap<>();
    for (String k : List.of("dockerVersion", "dockerApiVersion")) if (hb.getString(k) != null) details.put(k, hb.getString(k));
    a.executorDetails = details;
    a.total = Wire.resources(hb.getJsonObject("resources", new JsonObject()));
    a.load = hb.getDouble("load", 0.0);
    a.lastSeenMs = System.currentTimeMillis();
    Map<String, JsonObject> reported = new HashMap<>();
    hb.getJsonArray("tasks", new JsonArray()).forEach(o -> {
      JsonObject t = (JsonObject) o;
      reported.put(t.getString("taskId"), t);
    });
    a.reported = reported;
    a.pending.keySet().removeIf(reported::containsKey);
    JsonArray forget = new JsonArray();
    for (JsonObject t : reported.values()) {
      String taskId = t.getString("taskId");
      reconciling.remove(taskId);
      missedOnce.remove(taskId);
      if (a.acknowledged.contains(taskId)) forget.add(taskId);
      else listener.report(Wire.report(t.copy().put("agentId", id)));
    }
    a.acknowledged.retainAll(reported.keySet());
    // kills stand until the agent reports the task ended (or no longer has it)
    a.killing.keySet().removeIf(taskId -> {
      JsonObject t = reported.get(taskId);
      return t == null ? !a.pending.containsKey(taskId) : AgentRecord.terminal(t.getString("state", ""));
    });
    JsonArray kill = new JsonArray();
    a.killing.forEach((taskId, grace) -> kill.add(new JsonObject().put("taskId", taskId).put("grace", grace)));
    // explicit reconciliation: tasks we asked about that this agent does not have
    List<String> missing = new ArrayList<>();
    reconciling.forEach((taskId, agentId) -> {
      if (agentId.equals(id) && !reported.containsKey(taskId) && !a.pending.containsKey(taskId)) missing.add(taskId);
    });
    for (String taskId : missing) {
      if (missedOnce.add(taskId)) continue;
      missedOnce.remove(taskId);
      reconciling.remove(taskId);
      listener.report(new TaskReport(taskId, id, TaskState.TASK_LOST, 0, "agent " + id + " does not run this task",
          "reconciliation", null));
    }
    if (settle(a.lastSeenMs) && revived && a.outstandingOffer == null && a.refuseUntilMs <= a.lastSeenMs) offer(List.of(a));
    return new JsonObject().put("heartbeatMs", heartbeatMs).put("forget", forget).put("kill", kill).put("term", term);
  }

  /**
   * Whether re-registration is over. When it ends, kills still waiting for an agent that never
   * came back are reported LOST (the task's end is not known: its agent is gone), and agents that
   * are back are offered.
   */
  private boolean settle(long now) {
    if (reRegistration.settled()) return true;
    if (!reRegistration.settle(agents.keySet(), now, agentTimeoutMs)) return false;
    reRegistration.drainUnclaimed().forEach((taskId, agentId) -> {
      if (listener != null) {
        listener.report(new TaskReport(taskId, agentId, TaskState.TASK_LOST, 0, "agent " + agentId
            + " did not come back after the leader changed", "agent_unknown", null));
      }
    });
    LOG.info("agents re-registered with this leader (term {}): {} known", term, agents.size());
    if (revived) offer(agents.values());
    return true;
  }

  private void checkAgents() {
    if (listener == null) return;
    long now = System.currentTimeMillis();
    settle(now);
    List<AgentRecord> lost = agents.values().stream().filter(a -> now - a.lastSeenMs > agentTimeoutMs).toList();
    for (AgentRecord a : lost) {
      agents.remove(a.id);
      LOG.warn("agent {} ({}) silent for {} ms: lost", a.id, a.hostname, now - a.lastSeenMs);
      listener.agentLost(a.id, "no heartbeat for " + (now - a.lastSeenMs) + " ms");
    }
    if (!reconciling.isEmpty() && now > reconcileDeadlineMs) {
      Map<String, String> left = new HashMap<>(reconciling);
      reconciling.clear();
      missedOnce.clear();
      left.forEach((taskId, agentId) -> listener.report(new TaskReport(taskId, agentId, TaskState.TASK_LOST, 0,
          "agent " + agentId + " did not report this task in time", "reconciliation", null)));
    }
  }

  // ---- offers ----------------------------------------------------------------------------------

  private void offer(Collection<AgentRecord> candidates) {
    if (!reRegistration.settled()) return; // placed now, a launch could double what an absent agent still runs
    List<Offer> offers = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (AgentRecord a : candidates) {
      if (a.total == null || a.outstandingOffer != null || a.refuseUntilMs > now) continue;
      String offerId = a.id + "-o" + (++offerSeq);
      a.outstandingOffer = offerId;
      offers.add(free(a, offerId));
    }
    if (!offers.isEmpty()) listener.offers(offers);
  }

  /** What the agent has free now, as an offer with the given id. */
  private static Offer free(AgentRecord a, String offerId) {
    AgentRecord.Used used = a.used();
    Resources free = new Resources(Math.max(0, a.total.cpus() - used.cpus()), Math.max(0, a.total.mem() - used.mem()),
        Math.max(0, a.total.disk() - used.disk()), a.total.ports());
    return new Offer(offerId, a.id, a.hostname, a.attributes, free, used.ports(), a.load, a.executors);
  }

  /** Every registered agent's free resources now, whether or not it is offered. */
  @Override
  public Map<String, Offer> capacity() {
    Map<String, Offer> out = new LinkedHashMap<>();
    for (AgentRecord a : agents.values()) if (a.total != null) out.put(a.id, free(a, a.id + "-capacity"));
    return out;
  }

  private AgentRecord byOffer(String offerId) {
    for (AgentRecord a : agents.values()) if (offerId.equals(a.outstandingOffer)) return a;
    return null;
  }

  @Override
  public void launch(String offerId, Collection<TaskLaunch> tasks) {
    context.runOnContext(v -> {
      AgentRecord a = byOffer(offerId);
      if (a == null) {
        for (TaskLaunch t : tasks) lostLaunch(t, "offer " + offerId + " is no longer valid (agent gone)");
        return;
      }
      a.outstandingOffer = null;
      JsonArray body = new JsonArray();
      for (TaskLaunch t : tasks) {
        JsonObject line = Wire.launch(t);
        line.put("state", TaskState.TASK_STAGING.name());
        a.pending.put(t.taskId(), line);
        body.add(Wire.launch(t));
      }
      call(a.url, HttpMethod.POST, "/v1/tasks", body.toBuffer()).onComplete(ar -> {
        if (ar.failed() || ar.result() >= 300) {
          String why = ar.failed() ? ar.cause().getMessage() : "status " + ar.result();
          for (TaskLaunch t : tasks) {
            a.pending.remove(t.taskId());
            lostLaunch(t, "agent " + a.id + " refused the launch: " + why);
          }
        }
      });
    });
  }

  private void lostLaunch(TaskLaunch t, String why) {
    if (listener != null) listener.report(new TaskReport(t.taskId(), t.agentId(), TaskState.TASK_LOST, 0, why, "launch_failed", null));
  }

  @Override
  public void decline(String offerId, double refuseSeconds) {
    context.runOnContext(v -> {
      AgentRecord a = byOffer(offerId);
      if (a == null) return;
      a.outstandingOffer = null;
      a.refuseUntilMs = System.currentTimeMillis() + (long) (refuseSeconds * 1000);
    });
  }

  @Override
  public void kill(String agentId, String taskId, int gracePeriodSeconds) {
    context.runOnContext(v -> {
      AgentRecord a = agents.get(agentId);
      if (a == null && reRegistration.deferKill(agentId, taskId, gracePeriodSeconds)) {
        LOG.info("kill of {} waits for agent {} to re-register", taskId, agentId);
        return;
      }
      if (a == null) {
        if (listener != null) {
          listener.report(new TaskReport(taskId, agentId, TaskState.TASK_LOST, 0, "agent " + agentId + " is not registered",
              "agent_unknown", null));
        }
        return;
      }
      a.killing.put(taskId, gracePeriodSeconds); // repeated in heartbeat answers until it has ended
      call(a.url, HttpMethod.DELETE, "/v1/tasks/" + taskId + "?grace=" + gracePeriodSeconds, Buffer.buffer())
          .onSuccess(status -> {
            if (status == 404 && listener != null && !a.pending.containsKey(taskId)) {
              listener.report(new TaskReport(taskId, agentId, TaskState.TASK_LOST, 0, "agent does not run this task",
                  "kill_unknown", null));
            }
          });
    });
  }

  /** A terminal state is committed: the agent may forget the task (told in its next heartbeat answer). */
  @Override
  public void acknowledge(TaskReport report) {
    if (!AgentRecord.terminal(report.state().name())) return;
    context.runOnContext(v -> {
      AgentRecord a = agents.get(report.agentId());
      if (a != null) a.acknowledged.add(report.taskId());
    });
  }

  /** Registered agents. Call on the driver's context. */
  @Override
  public Map<String, Agent> agents() {
    Map<String, Agent> out = new LinkedHashMap<>();
    agents.forEach((id, a) -> out.put(id, new Agent(id, a.hostname == null ? "" : a.hostname, a.attributes, a.executors)));
    return out;
  }

  @Override
  public void reconcile(Collection<TaskRef> tasks) {
    context.runOnContext(v -> {
      for (TaskRef t : tasks) reconciling.put(t.taskId(), t.agentId());
      reRegistration.expect(tasks.stream().map(TaskRef::agentId).toList());
      reconcileDeadlineMs = System.currentTimeMillis() + agentTimeoutMs;
    });
  }

  @Override
  public void revive() {
    context.runOnContext(v -> {
      if (listener == null) return;
      revived = true;
      for (AgentRecord a : agents.values()) {
        a.refuseUntilMs = 0;
      }
      offer(agents.values());
    });
  }

  @Override
  public void suppress() {
    context.runOnContext(v -> revived = false);
  }

  /** Agents as the API shows them. */
  public void describe(Consumer<JsonArray> answer) {
    context.runOnContext(v -> {
      JsonArray out = new JsonArray();
      for (AgentRecord a : agents.values()) {
        AgentRecord.Used u = a.used();
        out.add(new JsonObject().put("id", a.id).put("hostname", a.hostname).put("url", a.url)
            .put("attributes", new JsonObject(new LinkedHashMap<>(a.attributes)))
            .put("resources", a.total == null ? null : Wire.resources(a.total))
            .put("used", new JsonObject().put("cpus", u.cpus()).put("mem", u.mem()).put("disk", u.disk())
                .put("ports", new JsonArray(new ArrayList<>(u.ports()))))
            .put("tasks", a.reported.size()).put("load", a.load).put("lastSeenMs", a.lastSeenMs)
            .put("executors", new JsonArray(new ArrayList<>(a.executors))));
        a.executorDetails.forEach(out.getJsonObject(out.size() - 1)::put);
      }
      answer.accept(out);
    });
  }

  private io.vertx.core.Future<Integer> call(String url, HttpMethod method, String path, Buffer body) {
    URI base = URI.create(url);
    RequestOptions o = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(base.getPort())
        .setURI(path).setTimeout(10_000).putHeader("Content-Type", "application/json")
        .putHeader(io.upone.agent.LeaderTerms.HEADER, Long.toString(term));
    if (agentSecret != null) o.putHeader(io.upone.agent.AgentSecret.HEADER, agentSecret);
    return client.request(o).compose(r -> r.send(body)).compose(res -> res.body().map(b -> res.statusCode()));
  }
}
