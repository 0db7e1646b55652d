package io.upone.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.Deployment;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.DeploymentPhase;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import io.upone.core.state.Task;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** How app changes start deployments, and how deployments are steered and ended, on a real projection. */
class DeploymentCommandsTest {
  private static final String WEB = "{\"id\": \"/web\", \"cmd\": \"./serve v1\", \"instances\": 2}";
  private final State state = new State();
  private long entry;
  private long now = 1_000;

  private List<Event> commit(Proposal p) {
    return state.applyProposal(p, ++entry, 1);
  }

  private void create(String body) {
    commit(AppCommands.create(state, AppCommands.readSpec(body, null), now++));
  }

  private List<Event> update(String body) {
    return commit(AppCommands.update(state, "/web", AppCommands.readSpec(body, "/web"), now++));
  }

  private Task launch(String id) {
    long version = state.app("/web").orElseThrow().getVersion();
    commit(Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now++).setTaskLaunched(TaskLaunched.newBuilder()
        .setTaskId(id).setAppId("/web").setAppVersion(version).setAgentId("a").setHostname("h"))).build());
    return state.task(id).orElseThrow();
  }

  private Deployment running() {
    return state.deployment("/web").orElseThrow();
  }

  private static Problem problem(Supplier<?> call) {
    return assertThrows(Problem.Failure.class, call::get).problem();
  }

  @Test
  void aChangeOfWhatTasksRunStartsADeploymentInTheSameProposal() {
    create(WEB);
    Task old = launch("t1");
    List<Event> events = update("{\"cmd\": \"./serve v2\", \"instances\": 2}");
    assertEquals(2, events.size());
    assertTrue(events.get(1).hasDeploymentStarted());
    Deployment d = running();
    assertEquals(1, d.getStarted().getFromVersion());
    assertEquals(2, d.getStarted().getToVersion());
    assertEquals("./serve v1", d.getStarted().getFromSpec().getCmd());
    assertEquals(DeploymentPhase.DEPLOYING, d.getPhase());
    assertFalse(state.currentConfig(old), "a task of version 1 is of the old configuration");
  }

  @Test
  void scalingNeedsNoDeploymentAndKeepsTasksCurrent() {
    create(WEB);
    Task t = launch("t1");
    commit(AppCommands.scale(state, "/web", 5, null, now++));
    assertTrue(state.deployment("/web").isEmpty());
    assertEquals(2, state.app("/web").orElseThrow().getVersion());
    assertTrue(state.currentConfig(t), "same configuration at a new version");
    update("{\"cmd\": \"./serve v1\", \"instances\": 5, \"labels\": {}}");
    assertTrue(state.deployment("/web").isEmpty(), "an update that changes nothing a task runs needs no deployment");
  }

  @Test
  void aNewChangeSupersedesTheRunningDeployment() {
    create(WEB);
    update("{\"cmd\": \"./serve v2\"}");
    String first = running().getStarted().getDeploymentId();
    List<Event> events = update("{\"cmd\": \"./serve v3\"}");
    assertEquals(3, events.size(), "update, the old one finished, the new one started");
    assertEquals(DeploymentOutcome.SUPERSEDED, state.deploymentById(first).orElseThrow().getOutcome());
    assertEquals("./serve v2", running().getStarted().getFromSpec().getCmd());
  }

  @Test
  void rollingBackRestoresTheOldConfigurationAndItsTasksCountAgain() {
    create(WEB);
    Task old = launch("t1");
    update("{\"cmd\": \"./serve v2\"}");
    Deployment d = running();
    commit(DeploymentCommands.stop(state, d.getStarted().getDeploymentId(), false, now++));
    assertEquals(DeploymentOutcome.ROLLED_BACK, state.deploymentById(d.getStarted().getDeploymentId()).orElseThrow().getOutcome());
    assertEquals("./serve v1", state.app("/web").orElseThrow().getCmd());
    assertEquals(3, state.app("/web").orElseThrow().getVersion());
    assertTrue(running().getStarted().getRollback());
    assertTrue(state.currentConfig(old), "the original task is of the restored configuration");
    assertEquals("nothing_to_roll_back", problem(() -> DeploymentCommands.stop(state,
        running().getStarted().getDeploymentId(), false, now)).code(), "a rollback is not rolled back");
    commit(DeploymentCommands.stop(state, running().getStarted().getDeploymentId(), true, now++));
    assertTrue(state.deployment("/web").isEmpty(), "force stops it where it is");
  }

  @Test
  void restartReplacesEveryTaskAndAnUpdateKeepsTheRestartGeneration() {
    create(WEB);
    Task t = launch("t1");
    commit(AppCommands.restart(state, "/web", now++));
    assertFalse(state.currentConfig(t));
    assertEquals(1, state.app("/web").orElseThrow().getRestartGeneration());
    Task fresh = launch("t2");
    update("{\"cmd\": \"./serve v1\", \"instances\": 3}");
    assertTrue(state.currentConfig(fresh), "a body cannot undo a restart's generation");
  }

  @Test
  void rollbackToAnEarlierVersion() {
    create(WEB);
    update("{\"cmd\": \"./serve v2\"}");
    commit(AppCommands.rollbackTo(state, "/web", 1, now++));
    assertEquals("./serve v1", state.app("/web").orElseThrow().getCmd());
    assertEquals(3, state.appVersions("/web").size());
    assertEquals("version_not_found", problem(() -> AppCommands.rollbackTo(state, "/web", 42, now)).code());
    assertEquals("already_at_version", problem(() -> AppCommands.rollbackTo(state, "/web", 3, now)).code());
  }

  @Test
  void promoteOnlyAPausedCanary() {
    create(WEB);
    update("{\"cmd\": \"./serve v2\"}");
    String id = running().getStarted().getDeploymentId();
    assertEquals("not_canary", problem(() -> DeploymentCommands.promote(state, id, now)).code());
    assertEquals("deployment_not_found", problem(() -> DeploymentCommands.promote(state, "dep-nope", now)).code());
    update("{\"cmd\": \"./serve v3\", \"upgradeStrategy\": {\"type\": \"canary\", \"canaryInstances\": 1}}");
    String canary = running().getStarted().getDeploymentId();
    assertEquals("not_paused", problem(() -> DeploymentCommands.promote(state, canary, now)).code());
    commit(DeploymentCommands.phase(running(), DeploymentPhase.CANARY_PAUSED, "canaries healthy", now++));
    commit(DeploymentCommands.promote(state, canary, now++));
    assertEquals(DeploymentPhase.PROMOTED, running().getPhase());
    assertEquals("deployment_finished", problem(() -> DeploymentCommands.promote(state, id, now)).code());
  }

  @Test
  void newTasksThatFailOrFallIllCountAgainstTheDeployment() {
    create(WEB);
    launch("old");
    update("{\"cmd\": \"./serve v2\"}");
    launch("new1");
    launch("new2");
    commit(status("old", TaskState.TASK_FAILED, false, false));
    commit(status("new1", TaskState.TASK_FAILED, false, false));
    commit(status("new2", TaskState.TASK_RUNNING, true, false));
    commit(status("new2", TaskState.TASK_RUNNING, true, false));
    assertEquals(2, running().getFailures(), "one failure and one fall into ill health, of new tasks only");
  }

  @Test
  void deploymentsSurviveASnapshot() {
    create(WEB);
    launch("t1");
    update("{\"cmd\": \"./serve v2\"}");
    State restored = State.restore(state.snapshot());
    assertEquals(state.hash(), restored.hash());
    assertEquals(running(), restored.deployment("/web").orElseThrow());
    assertEquals(state.appVersions("/web"), restored.appVersions("/web"));
  }

  @Test
  void badUpgradeStrategiesAreRefusedNamingTheField() {
    Problem p = problem(() -> AppCommands.readSpec("{\"id\": \"/x\", \"cmd\": \"c\", \"upgradeStrategy\": "
        + "{\"minimumHealthCapacity\": 1.5, \"type\": \"sideways\"}}", null));
    List<String> fields = p.errors().stream().map(e -> e.field()).toList();
    assertTrue(fields.contains("upgradeStrategy.minimumHealthCapacity"), fields.toString());
    assertTrue(fields.contains("upgradeStrategy.type"), fields.toString());
    assertEquals(List.of("upgradeStrategy"), problem(() -> AppCommands.readSpec("{\"id\": \"/x\", \"cmd\": \"c\", "
        + "\"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 0}}", null)).errors().stream()
        .map(e -> e.field()).toList());
    assertEquals(List.of("upgradeStrategy.canaryInstances"), problem(() -> AppCommands.readSpec("{\"id\": \"/x\", "
        + "\"cmd\": \"c\", \"upgradeStrategy\": {\"type\": \"canary\"}}", null)).errors().stream().map(e -> e.field()).toList());
  }

  private Proposal status(String task, TaskState st, boolean hasHealth, boolean healthy) {
    return Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(now++).setTaskStatusChanged(
        TaskStatusChanged.newBuilder().setTaskId(task).setState(st).setHasHealth(hasHealth).setHealthy(healthy))).build();
  }
}
