package io.upone.mesos.sim;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * A simulated Mesos master serving the v1 scheduler HTTP API ({@code POST /api/v1/scheduler})
 * over simulated agents. It follows the API's documented behaviour: protobuf and JSON, RecordIO
 * framing, Mesos-Stream-Id checks, heartbeats, offers from an allocation cycle with filters and
 * refuse_seconds, SUPPRESS/REVIVE, launches going STARTING → RUNNING, status updates resent until
 * acknowledged, reconciliation, agent loss (FAILURE and UNREACHABLE/LOST), rescinds,
 * failover_timeout, 307 from a non-leading master, and the documented status codes and error
 * texts. Tasks are bookkeeping, not processes. Everything runs on the verticle's context.
 *
 * <p>This class wires the parts (one concern each: {@link SchedulerEndpoint}, {@link Subscriptions},
 * {@link Allocator}, {@link TaskRunner}, {@link StatusUpdates}, {@link Reconciliation},
 * {@link Agents}, {@link OperatorEndpoints}) and offers the controls tests and demos use.
 */
public final class SimMaster extends AbstractVerticle {
  private final SimCluster cluster;
  private HttpServer server;
  private StatusUpdates updates;
  private Allocator allocator;
  private TaskRunner tasks;
  private Agents agents;
  private Subscriptions subscriptions;
  private OperatorEndpoints operator;

  public SimMaster(SimOptions options) {
    this.cluster = new SimCluster(options);
  }

  /** Starts a simulator in its own Vert.x instance; completes with it once it listens. */
  public static Future<SimMaster> start(Vertx vertx, SimOptions options) {
    SimMaster m = new SimMaster(options);
    return vertx.deployVerticle(m).map(id -> m);
  }

  @Override
  public void start(Promise<Void> started) {
    SimOptions options = cluster.options;
    EventStreams streams = new EventStreams(cluster);
    updates = new StatusUpdates(cluster, streams);
    allocator = new Allocator(cluster, streams, context);
    tasks = new TaskRunner(cluster, updates, allocator, vertx);
    agents = new Agents(cluster, streams, updates, allocator, new AgentEndpoints(cluster, vertx));
    subscriptions = new Subscriptions(cluster, updates, allocator, vertx);
    SchedulerEndpoint scheduler = new SchedulerEndpoint(cluster, subscriptions, allocator, tasks, updates,
        new Reconciliation(cluster, updates), context);
    operator = new OperatorEndpoints(cluster, this, scheduler);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setIdleTimeout(0));
    agents.add(options.agents())
        .compose(added -> server.requestHandler(operator::route).listen())
        .onSuccess(s -> {
          cluster.port = s.actualPort();
          vertx.setPeriodic(options.offerIntervalMs(), id -> allocator.allocate());
          vertx.setPeriodic((long) (options.heartbeatSeconds() * 1000), id -> streams.heartbeat());
          vertx.setPeriodic(Math.max(20, options.updateRetryMs() / 4), id -> updates.resendUnacknowledged());
        })
        .<Void>mapEmpty().onComplete(started);
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://" + cluster.options.host() + ":" + port();
  }

  // ---- test and operator controls (thread-safe: they hop onto the master's context) ------------

  private <T> Future<T> onContext(Supplier<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.get());
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** Adds an agent; it is offered at the next allocation. Completes with its id. */
  public Future<String> addAgent() {
    return onContext(() -> agents.add(1)).compose(f -> f).map(added -> added.get(0).id);
  }

  /**
   * Takes an agent away. {@code gone == false}: it became unreachable (partition-aware frameworks
   * get TASK_UNREACHABLE, others TASK_LOST); {@code gone == true}: an operator marked it gone
   * (TASK_GONE_BY_OPERATOR / TASK_LOST). Either way every framework gets FAILURE for the agent
   * and offers of it are rescinded. Completes with the number of tasks it had.
   */
  public Future<Integer> removeAgent(String agentId, boolean gone) {
    return onContext(() -> agents.remove(agentId, gone));
  }

  /**
   * An unreachable agent comes back: partition-aware frameworks see its tasks RUNNING again
   * (the tasks of the others were reported LOST when it went away and are gone).
   */
  public Future<Void> restoreAgent(String agentId) {
    return onContext(() -> {
      agents.restore(agentId);
      return null;
    });
  }

  /** Ends a running task as its process would (FINISHED, FAILED, KILLED...). */
  public Future<Void> endTask(String taskId, TaskState state, String message) {
    return onContext(() -> {
      for (SimFramework f : cluster.frameworks.values()) {
        SimTask t = f.tasks.get(taskId);
        if (t != null && !t.terminal()) {
          tasks.end(f, t, state, message);
          return null;
        }
      }
      throw new IllegalArgumentException("no live task " + taskId);
    });
  }

  /** Breaks every subscription stream, as a network fault would; frameworks then fail over. */
  public Future<Integer> dropStreams() {
    return onContext(subscriptions::dropStreams);
  }

  /** Sends an inverse offer (maintenance) for an agent to every connected framework. */
  public Future<Void> inverseOffer(String agentId) {
    return onContext(() -> {
      agents.inverseOffer(agentId);
      return null;
    });
  }

  /** Makes this master answer 307 towards {@code hostPort} (null: lead again). */
  public Future<Void> setLeader(String hostPort) {
    return onContext(() -> {
      cluster.leader = hostPort;
      return null;
    });
  }

  /** The simulator's own summary and counters (tests, {@code GET /sim/state}). */
  public Future<JsonObject> state() {
    return onContext(operator::simState);
  }

  /** What {@code GET /master/state} answers: the master's state in Mesos's shape. */
  public Future<JsonObject> masterState() {
    return onContext(operator::masterState);
  }

  /** Where agent endpoints live, by agent id: {@code http://127.0.0.N:port} (its offers carry the same in {@code url}). */
  public Future<Map<String, String>> agentUrls() {
    return onContext(() -> {
      Map<String, String> out = new LinkedHashMap<>();
      for (SimAgent a : cluster.agents.values()) out.put(a.id, "http://" + a.ip + ":" + a.port);
      return out;
    });
  }

  /** Live tasks per state of one framework (all frameworks when id is null). */
  public Future<Map<String, Integer>> taskCounts(String frameworkId) {
    return onContext(() -> {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (SimFramework f : cluster.frameworks.values()) {
        if (frameworkId != null && !f.id.equals(frameworkId)) continue;
        for (SimTask t : f.tasks.values()) out.merge(t.state.name(), 1, Integer::sum);
        for (SimTask t : f.unreachable.values()) out.merge(t.state.name(), 1, Integer::sum);
      }
      return out;
    });
  }

  /** Tasks a framework has that are not terminal, with their agents. */
  public Future<Map<String, String>> liveTasks(String frameworkId) {
    return onContext(() -> {
      Map<String, String> out = new LinkedHashMap<>();
      SimFramework f = cluster.frameworks.get(frameworkId);
      if (f != null) for (SimTask t : f.tasks.values()) if (!t.terminal()) out.put(t.id, t.agentId);
      return out;
    });
  }

  public Future<List<String>> frameworkIds() {
    return onContext(() -> List.copyOf(cluster.frameworks.keySet()));
  }

  public Future<Boolean> isConnected(String frameworkId) {
    return onContext(() -> cluster.frameworks.containsKey(frameworkId) && cluster.frameworks.get(frameworkId).connected);
  }

  public Future<Boolean> isRemoved(String frameworkId) {
    return onContext(() -> cluster.isRemoved(frameworkId));
  }

  public Future<Boolean> isSuppressed(String frameworkId) {
    return onContext(() -> cluster.frameworks.containsKey(frameworkId) && cluster.frameworks.get(frameworkId).suppressed);
  }

  /** How many calls of a type the master accepted (answered 202/200). */
  public long calls(Call.Type type) {
    return cluster.calls(type);
  }

  public long offersSent() {
    return cluster.offersSent.get();
  }

  public long updatesResent() {
    return cluster.updatesResent.get();
  }
}
