package io.upone.server.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.upone.core.proto.AlertRaised;
import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import io.upone.core.proto.DeploymentFinished;
import io.upone.core.proto.DeploymentOutcome;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobRunMissed;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which events alert and what the alerts say: a table of events in, alerts out. */
class AlertRulesTest {
  static final String HOOK = "https://hooks.slack.com/services/T/B/team";
  static final String DEFAULT_HOOK = "https://hooks.slack.com/services/T/B/default";

  final State state = new State();
  final TaskDirectory directory = new TaskDirectory(100);
  long entry;
  AlertRules rules = new AlertRules(AlertSettings.defaults().withDefaults(DEFAULT_HOOK, "").withFlapping(3, 60_000), directory);

  List<Alert> apply(Event.Builder e) {
    List<Event> committed = state.applyProposal(Proposal.newBuilder().addEvents(e).build(), ++entry, 1);
    directory.onEvent(committed.get(0), state);
    return rules.of(committed.get(0), state);
  }

  /** Events whose preconditions the test does not build up: looked at, not applied. */
  List<Alert> look(Event.Builder e) {
    return rules.of(e.setIndex(state.lastEventIndex() + 1).build(), state);
  }

  void app(String id, String channel, String webhook) {
    AppSpec spec = AppSpec.newBuilder().setId(id).setCmd("./run").setCpus(0.1).setMem(32).setVersion(1)
        .setContainer(Container.newBuilder().setImage("registry.local/upauditor:3"))
        .setAlertChannel(channel).setAlertWebhook(webhook).build();
    apply(Event.newBuilder().setTimestampMs(1).setAppCreated(AppCreated.newBuilder().setSpec(spec)));
  }

  void launch(String task, String app, String host, long at) {
    apply(Event.newBuilder().setTimestampMs(at).setTaskLaunched(TaskLaunched.newBuilder().setTaskId(task).setAppId(app)
        .setAppVersion(1).setAgentId("a1").setHostname(host)));
  }

  List<Alert> status(String task, TaskState st, String reason, String msg, int exit, long at) {
    return apply(Event.newBuilder().setTimestampMs(at).setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(task)
        .setState(st).setReason(reason).setMessage(msg).setExitCode(exit)));
  }

  @Test
  void lostAndFailedTasksAlertTheirAppsChannelWithWhatTheProjectionHasForgotten() {
    app("/audit/upauditor", "#team-x", HOOK);
    launch("t1", "/audit/upauditor", "192.168.14.120", 100);
    launch("t2", "/audit/upauditor", "192.168.14.120", 200);
    List<Alert> lost = status("t1", TaskState.TASK_LOST, "agent_lost", "Slave 192.168.14.120 disconnected", 0, 300);
    assertEquals(1, lost.size());
    Alert a = lost.get(0);
    assertEquals(AlertKind.AGENT_LOST, a.kind());
    assertEquals(new Route(HOOK, "#team-x"), a.route());
    assertEquals("192.168.14.120", a.host());
    assertEquals("registry.local/upauditor:3", a.image());
    assertEquals(100, a.createdMs());
    assertEquals("Slave 192.168.14.120 disconnected", a.message());
    Alert f = status("t2", TaskState.TASK_FAILED, "", "exited", 3, 400).get(0);
    assertEquals(AlertKind.TASK_FAILED, f.kind());
    assertEquals(3, f.exitCode());
    assertEquals("a1", f.agentId());
    assertEquals(List.of(), status("t2", TaskState.TASK_FAILED, "", "again", 3, 500), "a late repeat of an ended task");
  }

  @Test
  void reasonsFillAnEmptyMessageAndOtherEndsDoNotAlert() {
    app("/a", "#a", "");
    launch("t1", "/a", "h", 1);
    launch("t2", "/a", "h", 1);
    launch("t3", "/a", "h", 1);
    assertEquals(List.of(), status("t1", TaskState.TASK_RUNNING, "", "", 0, 2));
    assertEquals(List.of(), status("t1", TaskState.TASK_KILLED, "", "", 0, 3));
    assertEquals(List.of(), status("t2", TaskState.TASK_FINISHED, "", "", 0, 3));
    Alert a = status("t3", TaskState.TASK_LOST, "reconciliation", "", 0, 4).get(0);
    assertEquals(AlertKind.TASK_LOST, a.kind());
    assertEquals("reconciliation", a.message());
    assertEquals(new Route(DEFAULT_HOOK, "#a"), a.route(), "a channel alone goes through the server's webhook");
  }

  @Test
  void theThirdFailureWithinTheWindowIsFlapping() {
    app("/a", "#a", HOOK);
    for (int i = 0; i < 5; i++) launch("t" + i, "/a", "h", 1);
    assertEquals(1, status("t0", TaskState.TASK_FAILED, "", "", 1, 1_000).size());
    assertEquals(1, status("t1", TaskState.TASK_FAILED, "", "", 1, 70_000).size(), "the first is out of the window");
    assertEquals(1, status("t4", TaskState.TASK_LOST, "agent_lost", "gone", 0, 75_000).size(), "a lost agent is no failure");
    List<Alert> third = status("t2", TaskState.TASK_ERROR, "", "bad", 0, 80_000);
    assertEquals(1, third.size());
    List<Alert> fourth = status("t3", TaskState.TASK_FAILED, "", "boom", 1, 90_000);
    assertEquals(List.of(AlertKind.TASK_FAILED, AlertKind.FLAPPING), fourth.stream().map(Alert::kind).toList());
    assertEquals("3 tasks failed within 60 s; last: TASK_FAILED boom", fourth.get(1).message());
  }

  @Test
  void appsWithoutARouteAreNotAlertedUnlessTheServerHasAChannel() {
    app("/quiet", "", "");
    launch("t1", "/quiet", "h", 1);
    assertEquals(List.of(), status("t1", TaskState.TASK_LOST, "", "", 0, 2));
    rules = new AlertRules(AlertSettings.defaults().withDefaults(DEFAULT_HOOK, "#ops"), directory);
    assertEquals(new Route(DEFAULT_HOOK, "#ops"), rules.routeOf(state, "/quiet"));
    rules = new AlertRules(AlertSettings.defaults(), directory);
    assertNull(rules.routeOf(state, "/quiet"));
    app("/own", "", HOOK);
    assertEquals(new Route(HOOK, ""), rules.routeOf(state, "/own"), "a webhook alone posts to its own channel");
  }

  @Test
  void deploymentsBudgetsAndCronRunsAlert() {
    app("/a", "#a", HOOK);
    Alert rolled = look(Event.newBuilder().setTimestampMs(5).setDeploymentFinished(DeploymentFinished.newBuilder()
        .setDeploymentId("d1").setAppId("/a").setOutcome(DeploymentOutcome.ROLLED_BACK).setReason("3 new tasks failed"))).get(0);
    assertEquals(AlertKind.DEPLOY_ROLLED_BACK, rolled.kind());
    assertEquals("deployment d1: 3 new tasks failed", rolled.message());
    assertEquals(List.of(), look(Event.newBuilder().setTimestampMs(5).setDeploymentFinished(DeploymentFinished.newBuilder()
        .setDeploymentId("d2").setAppId("/a").setOutcome(DeploymentOutcome.SUCCEEDED))));
    Alert budget = apply(Event.newBuilder().setTimestampMs(6).setAlertRaised(AlertRaised.newBuilder()
        .setKind("kill_budget_exhausted").setAppId("/a").setMessage("4 tasks unhealthy"))).get(0);
    assertEquals(AlertKind.HEALTH_KILL_BUDGET, budget.kind());
    JobSpec job = JobSpec.newBuilder().setId("/jobs/nightly").setSchedule("0 3 * * *").setCmd("./report").setCpus(0.1)
        .setMem(32).setVersion(1).setAlertChannel("#reports").build();
    apply(Event.newBuilder().setTimestampMs(7).setJobCreated(JobCreated.newBuilder().setSpec(job)));
    Alert missed = apply(Event.newBuilder().setTimestampMs(8).setJobRunMissed(JobRunMissed.newBuilder()
        .setJobId("/jobs/nightly").setRunId("r1").setScheduledMs(10).setReason("deadline passed"))).get(0);
    assertEquals(AlertKind.CRON_MISSED, missed.kind());
    assertEquals(new Route(DEFAULT_HOOK, "#reports"), missed.route());
    assertEquals("./report", missed.image());
  }
}
