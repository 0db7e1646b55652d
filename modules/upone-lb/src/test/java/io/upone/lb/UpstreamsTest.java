package io.upone.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.command.AppCommands;
import io.upone.core.command.DeploymentCommands;
import io.upone.core.proto.AppCreated;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentKind;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.HealthCheck;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.LoadBalancer;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.ReadinessCheck;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskReady;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.proto.UpgradeStrategy;
import io.upone.core.proto.ZoneCreated;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.state.State;
import io.upone.lb.Upstreams.Key;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the LBs should serve, from a projection built event by event. */
class UpstreamsTest {
  private final State s = new State();
  private long entry = 1;
  private final HostResolver dns = HostResolver.table(Map.of("host-a", "10.0.0.1", "host-b", "10.0.0.2"));

  private void apply(Event.Builder e) {
    s.applyProposal(Proposal.newBuilder().addEvents(e.setTimestampMs(entry)).build(), entry++, 1);
  }

  private void zone(String name) {
    apply(Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(ZoneSpec.newBuilder().setName(name)
        .setKind(LbKind.SLARDAR).addInstances("127.0.0.1:1995"))));
  }

  private void app(String id, String upstream, int weight, boolean health, String... zones) {
    AppSpec.Builder b = AppSpec.newBuilder().setId(id).setCmd("x").setCpus(0.1).setMem(8).setInstances(3)
        .setLoadBalancer(LoadBalancer.newBuilder().setUpstream(upstream).addAllZones(List.of(zones)).setWeight(weight).setPortIndex(1));
    if (health) b.addHealthChecks(HealthCheck.newBuilder().setProtocol("HTTP"));
    apply(Event.newBuilder().setAppCreated(AppCreated.newBuilder().setSpec(b.setVersion(1))));
  }

  private void task(String id, String app, String host, TaskState state, Boolean healthy) {
    if (s.task(id).isEmpty()) {
      apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId(id).setAppId(app).setAppVersion(1)
          .setAgentId("a").setHostname(host).addHostPorts(31000).addHostPorts(32000 + (int) entry)));
    }
    TaskStatusChanged.Builder st = TaskStatusChanged.newBuilder().setTaskId(id).setState(state);
    if (healthy != null) st.setHasHealth(true).setHealthy(healthy);
    apply(Event.newBuilder().setTaskStatusChanged(st));
  }

  private List<String> addresses(Key k, Set<String> draining) {
    return Upstreams.from(s, dns, draining).getOrDefault(k, List.of()).stream().map(x -> x.address() + "*" + x.weight()).toList();
  }

  @Test
  void onlyRunningHealthyResolvableTasksAreServedInEveryZoneOfTheApp() {
    zone("edge");
    zone("inner");
    app("/web", "web.upone", 3, false, "edge", "inner");
    app("/api", "api.upone", 0, true, "edge");
    app("/quiet", "quiet.upone", 0, false); // no zone: not published
    task("w1", "/web", "host-a", TaskState.TASK_RUNNING, null);
    task("w2", "/web", "host-b", TaskState.TASK_STAGING, null);
    task("w3", "/web", "unresolvable", TaskState.TASK_RUNNING, null);
    task("a1", "/api", "host-a", TaskState.TASK_RUNNING, null);  // health not reported yet
    task("a2", "/api", "host-b", TaskState.TASK_RUNNING, true);
    task("a3", "/api", "10.0.0.9", TaskState.TASK_RUNNING, false);
    task("q1", "/quiet", "host-a", TaskState.TASK_RUNNING, null);

    Key web = new Key("edge", "web.upone");
    String w1 = "10.0.0.1:" + s.task("w1").orElseThrow().hostPorts()[1] + "*3";
    assertEquals(List.of(w1), addresses(web, Set.of()), "the port at portIndex 1, the app's weight");
    assertEquals(List.of(w1), addresses(new Key("inner", "web.upone"), Set.of()));
    assertEquals(List.of("10.0.0.2:" + s.task("a2").orElseThrow().hostPorts()[1] + "*1"), addresses(new Key("edge", "api.upone"), Set.of()));
    assertEquals(3, Upstreams.from(s, dns, Set.of()).size());

    // a task being drained for a planned kill leaves at once; one that ends leaves too
    assertEquals(List.of(), addresses(web, Set.of("w1")));
    task("w2", "/web", "host-b", TaskState.TASK_RUNNING, null);
    task("w1", "/web", "host-a", TaskState.TASK_KILLED, null);
    assertEquals(List.of("10.0.0.2:" + s.task("w2").orElseThrow().hostPorts()[1] + "*3"), addresses(web, Set.of()));
  }

  @Test
  void aTaskWithReadinessChecksIsServedOnceReady() {
    zone("edge");
    apply(Event.newBuilder().setAppCreated(AppCreated.newBuilder().setSpec(AppSpec.newBuilder().setId("/r").setCmd("x")
        .setCpus(0.1).setMem(8).setInstances(1).setVersion(1)
        .setLoadBalancer(LoadBalancer.newBuilder().setUpstream("r.upone").addZones("edge"))
        .addReadinessChecks(ReadinessCheck.newBuilder().setProtocol("HTTP").setPath("/ready")))));
    task("r1", "/r", "host-a", TaskState.TASK_RUNNING, null);
    Key r = new Key("edge", "r.upone");
    assertEquals(List.of(), addresses(r, Set.of()), "running, not ready yet");
    apply(Event.newBuilder().setTaskReady(TaskReady.newBuilder().setTaskId("r1")));
    assertEquals(List.of("10.0.0.1:" + s.task("r1").orElseThrow().hostPorts()[0] + "*1"), addresses(r, Set.of()));
  }

  @Test
  void aBlueGreenDeploymentServesOneSideAndSwitchesAtOnce() {
    zone("edge");
    apply(Event.newBuilder().setAppCreated(AppCreated.newBuilder().setSpec(AppSpec.newBuilder().setId("/bg").setCmd("x")
        .setCpus(0.1).setMem(8).setInstances(2).setVersion(1)
        .setUpgradeStrategy(UpgradeStrategy.newBuilder().setKind(DeploymentKind.BLUE_GREEN).setMinimumHealthCapacity(1))
        .setLoadBalancer(LoadBalancer.newBuilder().setUpstream("bg.upone").addZones("edge")))));
    task("blue1", "/bg", "host-a", TaskState.TASK_RUNNING, null);
    task("blue2", "/bg", "host-b", TaskState.TASK_RUNNING, null);
    Key k = new Key("edge", "bg.upone");
    List<String> blue = addresses(k, Set.of());
    assertEquals(2, blue.size());

    s.applyProposal(AppCommands.restart(s, "/bg", entry), entry++, 1); // every task to replace: a blue-green deployment
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId("green1").setAppId("/bg").setAppVersion(2)
        .setAgentId("a").setHostname("host-a").addHostPorts(31001)));
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId("green1").setState(TaskState.TASK_RUNNING)));
    assertEquals(blue, addresses(k, Set.of()), "until the switch only the blue side serves");

    Deployment d = s.deployment("/bg").orElseThrow();
    s.applyProposal(DeploymentCommands.phase(d, DeploymentPhase.SWITCHING, "test", entry), entry++, 1);
    assertEquals(List.of("10.0.0.1:31001*1"), addresses(k, Set.of()), "switching: only the green side");
  }
}
