package io.upone.server.lifecycle;

import static io.upone.core.proto.TaskState.TASK_FAILED;
import static io.upone.core.proto.TaskState.TASK_RUNNING;
import static io.upone.server.lifecycle.Reconciler.Scope.DEMANDS;
import static io.upone.server.lifecycle.Reconciler.Scope.FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.LoadBalancer;
import io.upone.core.proto.ReadinessCheck;
import io.upone.core.proto.UpgradeStrategy;
import io.upone.core.command.DeploymentCommands;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reconciler's deployment and health rows: worlds where an app changed (a restart, the same
 * definition with every task to replace) and its tasks are at some point of the way.
 */
class DeploymentRowsTest {
  private static final long T = 1_000_000;
  private static final long START = T - 10_000; // when the deployment began

  static Stream<Arguments> rows() {
    return Stream.of(
        Row.of("rolling: new tasks start beside the old, within the over-capacity", () -> deploying(strategy(1, 1), 3), T, DEMANDS,
            d -> {
              assertEquals(Map.of("/a", 3), Row.demanded(d));
              assertTrue(d.kills().isEmpty(), "nothing old stops before something new is healthy");
            }),
        Row.of("rolling: old tasks stop as new ones become healthy", () -> newTasks(deploying(strategy(1, 1), 3), 3, true), T, DEMANDS,
            d -> assertEquals(Set.of("old-0", "old-1", "old-2"), Row.killed(d))),
        Row.of("rolling: one spare slot replaces one task at a time", () -> deploying(strategy(1, 0.34), 3), T, DEMANDS,
            d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("rolling: a task being killed still holds its place in the over-capacity", () -> deploying(strategy(1, 0.34), 3)
            .killing("old-0", T - 10), T, DEMANDS, d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("rolling: with one new healthy, one old stops", () -> newTasks(deploying(strategy(1, 0.34), 3), 1, true), T, DEMANDS,
            d -> assertEquals(1, d.kills().size())),
        Row.of("rolling: no capacity kept and no spare room: old ones stop first", () -> deploying(strategy(0, 0), 3), T, DEMANDS, d -> {
          assertEquals(3, d.kills().size());
          assertTrue(d.demands().isEmpty());
        }),
        Row.of("rolling: minimum 1 with no spare room still gets one slot", () -> deploying(strategy(1, 0), 2), T, DEMANDS,
            d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("every new task healthy and no old left: done", () -> newTasks(finishedOld(deploying(strategy(1, 1), 2)), 2, true), T,
            DEMANDS, d -> assertInstanceOf(DeploymentPlan.Succeed.class, only(d))),
        Row.of("with health checks, a running task counts only once healthy", () -> newTasks(deployingChecked(strategy(1, 1), 2), 2,
            false), T, DEMANDS, d -> assertTrue(d.kills().isEmpty())),
        Row.of("with health checks, healthy new tasks let old ones go", () -> healthy(newTasks(deployingChecked(strategy(1, 1), 2), 2,
            false), 2), T, DEMANDS, d -> assertEquals(2, d.kills().size())),
        Row.of("blue-green: the whole new set starts, nothing old stops", () -> deploying(blueGreen(), 3), T, DEMANDS, d -> {
          assertEquals(Map.of("/a", 3), Row.demanded(d));
          assertTrue(d.kills().isEmpty());
        }),
        Row.of("blue-green: all new healthy, it switches", () -> newTasks(deploying(blueGreen(), 3), 3, true), T, DEMANDS, d -> {
          assertEquals(DeploymentPhase.SWITCHED, ((DeploymentPlan.Phase) only(d)).phase());
          assertTrue(d.kills().isEmpty(), "the old set stops only after the switch is written");
        }),
        Row.of("blue-green published on a load balancer: all new healthy, it asks for the switch", () -> newTasks(
            deploying(new World().zone("edge"), World.spec("/a", 3).setUpgradeStrategy(blueGreen()).setLoadBalancer(LoadBalancer.newBuilder()
                .setUpstream("a.up").addZones("edge"))), 3, true), T, DEMANDS, d -> {
              assertEquals(DeploymentPhase.SWITCHING, ((DeploymentPlan.Phase) only(d)).phase());
              assertTrue(d.kills().isEmpty());
            }),
        Row.of("blue-green switching: nothing stops until the LB sync writes the switch", () -> phase(newTasks(deploying(blueGreen(), 3),
            3, true), DeploymentPhase.SWITCHING), T, DEMANDS, d -> {
              assertTrue(d.kills().isEmpty());
              assertTrue(d.deploymentActions().isEmpty());
              assertTrue(d.demands().isEmpty());
            }),
        Row.of("blue-green switching past the deadline rolls back", () -> phase(newTasks(deploying(blueGreen(), 3), 3, true),
            DeploymentPhase.SWITCHING), START + 601_000, DEMANDS, d -> assertInstanceOf(DeploymentPlan.RollBack.class, only(d))),
        Row.of("with readiness checks, a running healthy task counts only once ready", () -> newTasks(deployingReady(strategy(1, 1), 2),
            2, true), T, DEMANDS, d -> assertTrue(d.kills().isEmpty())),
        Row.of("with readiness checks, ready new tasks let old ones go", () -> ready(newTasks(deployingReady(strategy(1, 1), 2), 2,
            true), 1), T, DEMANDS, d -> assertEquals(Set.of("old-0"), Row.killed(d))),
        Row.of("blue-green: switched, the old set stops", () -> phase(newTasks(deploying(blueGreen(), 3), 3, true),
            DeploymentPhase.SWITCHED), T, DEMANDS, d -> assertEquals(3, d.kills().size())),
        Row.of("canary: only the canaries start", () -> deploying(canary(1), 3), T, DEMANDS,
            d -> assertEquals(Map.of("/a", 1), Row.demanded(d))),
        Row.of("canary: a healthy canary pauses the deployment", () -> newTasks(deploying(canary(1), 3), 1, true), T, DEMANDS, d -> {
          assertEquals(DeploymentPhase.CANARY_PAUSED, ((DeploymentPlan.Phase) only(d)).phase());
          assertTrue(d.kills().isEmpty());
        }),
        Row.of("canary: paused, nothing moves", () -> phase(newTasks(deploying(canary(1), 3), 1, true), DeploymentPhase.CANARY_PAUSED),
            T, DEMANDS, d -> {
              assertTrue(d.demands().isEmpty());
              assertTrue(d.kills().isEmpty());
              assertTrue(d.deploymentActions().isEmpty());
            }),
        Row.of("canary: promoted, it rolls on", () -> phase(newTasks(deploying(canary(1), 3), 1, true), DeploymentPhase.PROMOTED), T,
            DEMANDS, d -> assertEquals(Map.of("/a", 2), Row.demanded(d))),
        Row.of("past the deadline it rolls back, saying how far it got", () -> deploying(strategy(1, 1), 3), START + 601_000, DEMANDS,
            d -> {
              DeploymentPlan.RollBack r = (DeploymentPlan.RollBack) only(d);
              assertTrue(r.reason().startsWith("deadline passed (0 of 3 new tasks healthy, 3 old left)"), r.reason());
            }),
        Row.of("new tasks failing too often roll it back", () -> failed(newTasks(deploying(strategy(1, 1), 3), 3, false), 3), T,
            DEMANDS, d -> assertInstanceOf(DeploymentPlan.RollBack.class, only(d))),
        Row.of("a rollback whose old tasks still run is done at once", () -> rolledBack(deploying(strategy(1, 1), 3)), T, DEMANDS,
            d -> assertInstanceOf(DeploymentPlan.Succeed.class, only(d))),
        Row.of("a rollback past its deadline stops where it is", () -> rolledBack(finishedOld(newTasks(deploying(strategy(1, 1), 3), 3,
            true))), START + 1_300_000, DEMANDS, d -> assertInstanceOf(DeploymentPlan.Cancel.class, only(d))),
        Row.of("a step being written is not decided twice", () -> newTasks(deploying(blueGreen(), 3), 3, true).deploymentWriting("/a"),
            T, DEMANDS, d -> assertTrue(d.deploymentActions().isEmpty())),
        Row.of("a deploying app is not scaled down by the ordinary rule", () -> newTasks(deploying(strategy(1, 1), 3), 2, false), T,
            FULL, d -> assertTrue(d.kills().isEmpty())),
        Row.of("unhealthy tasks are killed within the budget, and an alert is raised", () -> ill(checkedApp(30), 20), T, FULL, d -> {
          assertEquals(3, d.kills().size(), "10% of 30 per minute");
          assertEquals(Map.of("/h", 3), d.healthKills());
          assertEquals("kill_budget_exhausted", d.alerts().get(0).kind());
        }),
        Row.of("a budget used up in the last minute kills nothing more", () -> ill(checkedApp(30), 20).healthKilledAt("/h", 3, T - 30_000),
            T, FULL, d -> assertTrue(d.kills().isEmpty())),
        Row.of("the budget comes back after a minute", () -> ill(checkedApp(30), 2).healthKilledAt("/h", 3, T - 61_000), T, FULL,
            d -> assertEquals(2, d.kills().size())),
        Row.of("maxConsecutiveFailures 0 reports ill health but never kills", () -> ill(new World().app(World.spec("/h", 2)
            .addHealthChecks(HealthCheck.newBuilder().setProtocol("TCP").setIntervalSeconds(1).setTimeoutSeconds(0)).build()), 2),
            T, FULL, d -> assertTrue(d.kills().isEmpty())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    row.check();
  }

  // ---- worlds ----------------------------------------------------------------------------------

  private static UpgradeStrategy.Builder strategy(double minHealth, double maxOver) {
    return UpgradeStrategy.newBuilder().setMinimumHealthCapacity(minHealth).setMaximumOverCapacity(maxOver);
  }

  private static UpgradeStrategy.Builder blueGreen() {
    return strategy(1, 1).setKind(DeploymentKind.BLUE_GREEN);
  }

  private static UpgradeStrategy.Builder canary(int n) {
    return strategy(1, 1).setKind(DeploymentKind.CANARY).setCanaryInstances(n);
  }

  /** App /a with {@code n} old tasks running, restarted at START: a deployment to every task new. */
  private static World deploying(UpgradeStrategy.Builder strategy, int n) {
    return deploying(World.spec("/a", n).setUpgradeStrategy(strategy));
  }

  /** The same, for an app with a health check: its new tasks count once they pass it. */
  private static World deployingChecked(UpgradeStrategy.Builder strategy, int n) {
    return deploying(World.spec("/a", n).setUpgradeStrategy(strategy).addHealthChecks(HealthCheck.newBuilder()
        .setProtocol("TCP").setIntervalSeconds(1).setMaxConsecutiveFailures(3)));
  }

  /** The same, for an app with a readiness check: its new tasks count once they are ready. */
  private static World deployingReady(UpgradeStrategy.Builder strategy, int n) {
    return deploying(World.spec("/a", n).setUpgradeStrategy(strategy).addReadinessChecks(ReadinessCheck.newBuilder()
        .setProtocol("HTTP").setPath("/ready").setIntervalSeconds(1).setTimeoutSeconds(0).addHttpStatusCodesForReady(200)));
  }

  private static World ready(World w, int n) {
    for (int i = 0; i < n; i++) w.ready("new-" + i, START + 400 + i);
    return w;
  }

  private static World deploying(AppSpec.Builder spec) {
    return deploying(new World(), spec);
  }

  private static World deploying(World w, AppSpec.Builder spec) {
    int n = spec.getInstances();
    w.app(spec.build());
    for (int i = 0; i < n; i++) w.task("old-" + i, "/a", TASK_RUNNING, 1000 + i);
    return w.restart("/a", START);
  }

  private static World newTasks(World w, int n, boolean running) {
    for (int i = 0; i < n; i++) w.task("new-" + i, "/a", running ? TASK_RUNNING : io.upone.core.proto.TaskState.TASK_STAGING,
        START + 100 + i);
    return w;
  }

  private static World healthy(World w, int n) {
    for (int i = 0; i < n; i++) w.status("new-" + i, TASK_RUNNING, START + 200 + i).health("new-" + i, true, START + 300 + i);
    return w;
  }

  private static World failed(World w, int n) {
    for (int i = 0; i < n; i++) w.status("new-" + i, TASK_FAILED, START + 500 + i);
    return w;
  }

  private static World finishedOld(World w) {
    w.state.tasksOf("/a").stream().map(t -> t.id()).filter(id -> id.startsWith("old-")).toList()
        .forEach(id -> w.status(id, io.upone.core.proto.TaskState.TASK_KILLED, START + 50));
    return w;
  }

  private static World phase(World w, DeploymentPhase phase) {
    return w.propose(DeploymentCommands.phase(w.state.deployment("/a").orElseThrow(), phase, "test", START + 1000));
  }

  private static World rolledBack(World w) {
    return w.propose(DeploymentCommands.rollback(w.state, w.state.deployment("/a").orElseThrow(), "test", START + 1000));
  }

  private static World checkedApp(int n) {
    World w = new World().app(World.spec("/h", n).addHealthChecks(HealthCheck.newBuilder().setProtocol("TCP")
        .setIntervalSeconds(1).setTimeoutSeconds(0).setMaxConsecutiveFailures(3)).build());
    for (int i = 0; i < n; i++) w.task("/h-" + i, "/h", TASK_RUNNING, 1000 + i).health("/h-" + i, true, 2000 + i);
    return w;
  }

  private static World ill(World w, int n) {
    String app = w.state.apps().iterator().next().getId();
    for (int i = 0; i < n; i++) {
      String id = app + "-" + i;
      if (w.state.task(id).isEmpty()) w.task(id, app, TASK_RUNNING, 1000 + i);
      w.unhealthy(id, T - 1000 + i);
    }
    return w;
  }

  // ---- reading decisions -----------------------------------------------------------------------

  private static DeploymentPlan.Action only(Decisions d) {
    assertEquals(1, d.deploymentActions().size(), "one deployment step: " + d.deploymentActions());
    return d.deploymentActions().get(0).action();
  }
}
