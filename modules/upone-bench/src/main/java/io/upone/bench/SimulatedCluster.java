package io.upone.bench;

import io.upone.core.driver.ClusterDriver;
import io.upone.core.driver.Offer;
import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import io.upone.core.driver.TaskLaunch;
import io.upone.core.driver.TaskReport;
import io.upone.core.proto.TaskState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * N machines that exist only in memory, behind the cluster-driver port: offers of every agent
 * with room whenever the scheduler revives (and every {@code cycleMs} while revived), launches
 * that report RUNNING at once. It measures the scheduler's own path — placement, the log, status
 * handling — with no network or processes in between. Runs on the scheduler's context.
 */
final class SimulatedCluster implements ClusterDriver {
  private static final class Machine {
    final String id;
    final String hostname;
    final Map<String, String> attributes;
    double cpus;
    double mem;
    double disk;
    final Set<Integer> usedPorts = new HashSet<>();
    String outstanding;
    long refuseUntilMs;

    Machine(String id, Map<String, String> attributes, double cpus, double mem, double disk) {
      this.id = id;
      this.hostname = id + ".sim";
      this.attributes = attributes;
      this.cpus = cpus;
      this.mem = mem;
      this.disk = disk;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final Map<String, Machine> byOffer = new HashMap<>();
  private final Map<String, String> taskAgent = new HashMap<>();
  private final List<PortRange> ports = List.of(new PortRange(31000, 32000));
  private final long cycleMs;
  private Listener listener;
  private boolean revived;
  private long timer = -1;
  private long seq;
  /** Offer → launch latency, for the report: when each outstanding offer was sent. */
  final Map<String, Long> offeredAtNanos = new HashMap<>();
  final List<Long> offerToLaunchMicros = java.util.Collections.synchronizedList(new ArrayList<>());
  final java.util.concurrent.atomic.AtomicLong offersSent = new java.util.concurrent.atomic.AtomicLong();

  SimulatedCluster(Vertx vertx, Context context, int agents, int racks, long cycleMs) {
    this.vertx = vertx;
    this.context = context;
    this.cycleMs = cycleMs;
    for (int i = 0; i < agents; i++) {
      String id = String.format("agent-%04d", i);
      machines.put(id, new Machine(id, Map.of("rack", "r" + (i % racks), "zone", "z" + (i % 3)), 32, 65536, 1_000_000));
    }
  }

  @Override
  public void start(Listener l) {
    listener = l;
    timer = vertx.setPeriodic(cycleMs, id -> {
      if (revived) offerAll();
    });
  }

  @Override
  public void stop() {
    vertx.cancelTimer(timer);
    listener = null;
  }

  private void offerAll() {
    if (listener == null) return;
    long now = System.currentTimeMillis();
    List<Offer> out = new ArrayList<>();
    for (Machine m : machines.values()) {
      if (m.outstanding != null || m.refuseUntilMs > now) continue;
      String offerId = m.id + "-o" + (++seq);
      m.outstanding = offerId;
      byOffer.put(offerId, m);
      offeredAtNanos.put(offerId, System.nanoTime());
      out.add(new Offer(offerId, m.id, m.hostname, m.attributes, new Resources(m.cpus, m.mem, m.disk, ports),
          Set.copyOf(m.usedPorts), 0));
    }
    offersSent.addAndGet(out.size());
    if (!out.isEmpty()) listener.offers(out);
  }

  @Override
  public void launch(String offerId, Collection<TaskLaunch> tasks) {
    context.runOnContext(v -> {
      Machine m = byOffer.remove(offerId);
      Long at = offeredAtNanos.remove(offerId);
      if (at != null) offerToLaunchMicros.add((System.nanoTime() - at) / 1000);
      if (m == null || !offerId.equals(m.outstanding)) {
        for (TaskLaunch t : tasks) report(t.taskId(), t.agentId(), TaskState.TASK_LOST, "offer_gone");
        return;
      }
      m.outstanding = null;
      for (TaskLaunch t : tasks) {
        m.cpus -= t.cpus();
        m.mem -= t.mem();
        m.disk -= t.disk();
        m.usedPorts.addAll(t.hostPorts());
        taskAgent.put(t.taskId(), m.id);
        report(t.taskId(), m.id, TaskState.TASK_RUNNING, "");
      }
    });
  }

  private void report(String taskId, String agentId, TaskState state, String reason) {
    if (listener != null) listener.report(new TaskReport(taskId, agentId, state, 0, "", reason, null));
  }

  @Override
  public void decline(String offerId, double refuseSeconds) {
    context.runOnContext(v -> {
      Machine m = byOffer.remove(offerId);
      offeredAtNanos.remove(offerId);
      if (m == null) return;
      m.outstanding = null;
      m.refuseUntilMs = System.currentTimeMillis() + (long) (refuseSeconds * 1000);
    });
  }

  @Override
  public void kill(String agentId, String taskId, int gracePeriodSeconds) {
    context.runOnContext(v -> {
      if (taskAgent.remove(taskId) != null) report(taskId, agentId, TaskState.TASK_KILLED, "killed");
    });
  }

  @Override
  public void reconcile(Collection<TaskRef> tasks) {
    context.runOnContext(v -> {
      for (TaskRef t : tasks) {
        String agent = taskAgent.get(t.taskId());
        report(t.taskId(), t.agentId(), agent == null ? TaskState.TASK_LOST : TaskState.TASK_RUNNING, "reconciliation");
      }
    });
  }

  @Override
  public void acknowledge(TaskReport report) {
    // nothing is resent in this simulation
  }

  @Override
  public void revive() {
    context.runOnContext(v -> {
      revived = true;
      for (Machine m : machines.values()) m.refuseUntilMs = 0;
      offerAll();
    });
  }

  @Override
  public void suppress() {
    context.runOnContext(v -> revived = false);
  }

  @Override
  public Map<String, Agent> agents() {
    Map<String, Agent> out = new LinkedHashMap<>();
    for (Machine m : machines.values()) out.put(m.id, new Agent(m.id, m.hostname, m.attributes));
    return out;
  }
}
