package io.upone.core.state;

import static io.upone.core.state.Events.created;
import static io.upone.core.state.Events.deleted;
import static io.upone.core.state.Events.framework;
import static io.upone.core.state.Events.launched;
import static io.upone.core.state.Events.proposal;
import static io.upone.core.state.Events.scaled;
import static io.upone.core.state.Events.spec;
import static io.upone.core.state.Events.status;
import static io.upone.core.state.Events.updated;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.proto.TaskState;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StateTest {
  private final State state = new State();
  private long entry;

  private List<Event> apply(Event... events) {
    return state.applyProposal(proposal(events), ++entry, 1);
  }

  /** Applies a proposal that must be refused; checks nothing at all changed and returns the refusal. */
  private Problem refused(Event... events) {
    String hashBefore = state.hash();
    StateSnapshot before = state.snapshot();
    Problem.Failure f = assertThrows(Problem.Failure.class, () -> state.applyProposal(proposal(events), ++entry, 1));
    assertEquals(hashBefore, state.hash(), "a refused proposal must not change the state");
    assertEquals(before, state.snapshot(), "a refused proposal must not change the state");
    return f.problem();
  }

  private static void assertProblem(Problem p, Problem.Kind kind, String code) {
    assertEquals(kind, p.kind(), () -> "kind of " + p);
    assertEquals(code, p.code(), () -> "code of " + p);
  }

  private static Set<String> ids(java.util.Collection<Task> tasks) {
    return tasks.stream().map(Task::id).collect(Collectors.toSet());
  }

  // ---- apps ----------------------------------------------------------------------------------

  @Test
  void appCreatedMakesAppVisibleAtItsVersion() {
    assertTrue(state.app("/web").isEmpty());
    apply(created("/web", 1000));

    AppSpec app = state.app("/web").orElseThrow();
    assertEquals(spec("/web", 1), app);
    assertEquals(1, app.getVersion());
    assertEquals(1, state.appCount());
    assertEquals(List.of("/web"), state.apps().stream().map(AppSpec::getId).toList());
  }

  @Test
  void appCreatedForExistingIdIsRefusedWithAppExists() {
    apply(created("/web", 1000));
    AppSpec other = spec("/web", 1).toBuilder().setCmd("something else").build();

    Problem p = refused(created(other, 2000));

    assertProblem(p, Problem.Kind.CONFLICT, "app_exists");
    assertEquals("sleep 1000", state.app("/web").orElseThrow().getCmd());
  }

  @Test
  void appUpdatedReplacesTheWholeSpec() {
    apply(created("/web", 1000));
    AppSpec next = AppSpec.newBuilder().setId("/web").setCmd("python3 -m http.server").setCpus(2).setMem(512)
        .setInstances(5).putLabels("team", "shop").setVersion(2).build();

    apply(updated(next, 1, 2000));

    AppSpec app = state.app("/web").orElseThrow();
    assertEquals(next, app);
    assertEquals(2, app.getVersion());
    assertTrue(app.getEnvMap().isEmpty(), "fields missing from the new spec are gone, not merged");
  }

  @Test
  void appUpdatedWithStaleVersionIsRefused() {
    apply(created("/web", 1000));
    apply(updated(spec("/web", 2).toBuilder().setCmd("v2").build(), 1, 2000));

    Problem p = refused(updated(spec("/web", 2).toBuilder().setCmd("stale").build(), 1, 3000));

    assertProblem(p, Problem.Kind.CONFLICT, "stale_version");
    assertEquals("v2", state.app("/web").orElseThrow().getCmd());
    assertEquals(2, state.app("/web").orElseThrow().getVersion());
  }

  @Test
  void appUpdatedForUnknownAppIsNotFound() {
    apply(created("/web", 1000));
    Problem p = refused(updated(spec("/nope", 2), 1, 2000));
    assertProblem(p, Problem.Kind.NOT_FOUND, "app_not_found");
    assertTrue(state.app("/nope").isEmpty());
  }

  @Test
  void appScaledChangesInstancesAndBumpsVersion() {
    apply(created("/web", 1000));
    AppSpec before = state.app("/web").orElseThrow();

    apply(scaled("/web", 7, 1, 2000));

    AppSpec after = state.app("/web").orElseThrow();
    assertEquals(7, after.getInstances());
    assertEquals(2, after.getVersion());
    assertEquals(before.toBuilder().setInstances(7).setVersion(2).build(), after, "nothing else changes");

    apply(scaled("/web", 0, 2, 3000));
    assertEquals(0, state.app("/web").orElseThrow().getInstances());
    assertEquals(3, state.app("/web").orElseThrow().getVersion());
  }

  @Test
  void appScaledWithStaleVersionOrUnknownAppIsRefused() {
    apply(created("/web", 1000));
    assertProblem(refused(scaled("/web", 3, 5, 2000)), Problem.Kind.CONFLICT, "stale_version");
    assertProblem(refused(scaled("/nope", 3, 1, 2000)), Problem.Kind.NOT_FOUND, "app_not_found");
    assertEquals(2, state.app("/web").orElseThrow().getInstances());
  }

  @Test
  void appDeletedRemovesTheAppButNotItsTasks() {
    apply(created("/web", 1000));
    apply(created("/api", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));

    apply(deleted("/web", 1, 2000));

    assertTrue(state.app("/web").isEmpty());
    assertEquals(1, state.appCount());
    assertTrue(state.app("/api").isPresent());
    // tasks stay until reported terminal; the lifecycle kills them
    assertEquals(Set.of("web.1"), ids(state.tasksOf("/web")));
    // the id is free again
    apply(created("/web", 3000));
    assertEquals(1, state.app("/web").orElseThrow().getVersion());
  }

  @Test
  void appDeletedWithStaleVersionOrUnknownAppIsRefused() {
    apply(created("/web", 1000));
    assertProblem(refused(deleted("/web", 2, 2000)), Problem.Kind.CONFLICT, "stale_version");
    assertProblem(refused(deleted("/nope", 1, 2000)), Problem.Kind.NOT_FOUND, "app_not_found");
    assertTrue(state.app("/web").isPresent());
  }

  // ---- tasks ---------------------------------------------------------------------------------

  @Test
  void taskLaunchedIsVisibleAsStaging() {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1.example", 1500, 31000, 31001));

    Task t = state.task("web.1").orElseThrow();
    assertEquals("web.1", t.id());
    assertEquals("/web", t.appId());
    assertEquals(1, t.appVersion());
    assertEquals("agent-1", t.agentId());
    assertEquals("host-1.example", t.hostname());
    assertArrayEquals(new int[] {31000, 31001}, t.hostPorts());
    assertEquals(TaskState.TASK_STAGING, t.state());
    assertEquals(1500, t.launchedAtMs());
    assertEquals(1500, t.updatedAtMs());
    assertEquals(0, t.runningAtMs());
    assertNull(t.healthy(), "no health check has reported yet");
    assertEquals(1, state.taskCount());
    assertEquals(Set.of("web.1"), ids(state.tasks()));
    assertEquals(Set.of("web.1"), ids(state.tasksOf("/web")));
    assertTrue(state.tasksOf("/other").isEmpty());

    // the ports array handed out is a copy
    t.hostPorts()[0] = 1;
    assertArrayEquals(new int[] {31000, 31001}, state.task("web.1").orElseThrow().hostPorts());
  }

  @Test
  void taskStatusRunningSetsRunningTimeAndHealth() {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));

    apply(status("web.1", TaskState.TASK_STARTING, 1600));
    Task starting = state.task("web.1").orElseThrow();
    assertEquals(TaskState.TASK_STARTING, starting.state());
    assertEquals(0, starting.runningAtMs());
    assertEquals(1600, starting.updatedAtMs());

    apply(status("web.1", TaskState.TASK_RUNNING, 2000));
    Task running = state.task("web.1").orElseThrow();
    assertEquals(TaskState.TASK_RUNNING, running.state());
    assertEquals(2000, running.runningAtMs());
    assertEquals(2000, running.updatedAtMs());
    assertEquals(1500, running.launchedAtMs());
    assertNull(running.healthy());

    apply(status("web.1", TaskState.TASK_RUNNING, true, "health check passed", 3000));
    Task healthy = state.task("web.1").orElseThrow();
    assertEquals(Boolean.TRUE, healthy.healthy());
    assertEquals("health check passed", healthy.message());
    assertEquals(2000, healthy.runningAtMs(), "running time is when it first ran");
    assertEquals(3000, healthy.updatedAtMs());

    apply(status("web.1", TaskState.TASK_RUNNING, false, "health check failed", 4000));
    assertEquals(Boolean.FALSE, state.task("web.1").orElseThrow().healthy());
    assertEquals(2000, state.task("web.1").orElseThrow().runningAtMs());
    assertEquals(Set.of("web.1"), ids(state.tasksOf("/web")));
    assertEquals(TaskState.TASK_RUNNING, state.tasksOf("/web").iterator().next().state(),
        "tasksOf sees the latest task object");
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
      "TASK_ERROR", "TASK_GONE", "TASK_DROPPED"})
  void terminalStatusRemovesTheTask(TaskState terminal) {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));
    apply(launched("web.2", "/web", 1, "agent-2", "host-2", 1500, 31000));
    apply(status("web.1", TaskState.TASK_RUNNING, 2000));

    apply(status("web.1", terminal, 3000));

    assertTrue(state.task("web.1").isEmpty());
    assertEquals(1, state.taskCount());
    assertEquals(Set.of("web.2"), ids(state.tasksOf("/web")));

    apply(status("web.2", terminal, 3000));
    assertEquals(0, state.taskCount());
    assertTrue(state.tasksOf("/web").isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"TASK_KILLING", "TASK_UNREACHABLE", "TASK_UNKNOWN"})
  void nonTerminalStatusKeepsTheTask(TaskState s) {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500));
    apply(status("web.1", s, 2000));
    assertEquals(s, state.task("web.1").orElseThrow().state());
    assertEquals(Set.of("web.1"), ids(state.tasksOf("/web")));
  }

  @Test
  void statusForUnknownTaskIsCommittedButChangesNoTask() {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));
    StateSnapshot before = state.snapshot();

    List<Event> committed = apply(status("gone.7", TaskState.TASK_RUNNING, 2000));
    apply(status("gone.8", TaskState.TASK_FAILED, 2100));

    assertEquals(1, committed.size());
    assertEquals(before.getTasksList(), state.snapshot().getTasksList());
    assertEquals(before.getAppsList(), state.snapshot().getAppsList());
    assertTrue(state.task("gone.7").isEmpty());
    assertEquals(1, state.taskCount());
    assertEquals(before.getLastEventIndex() + 2, state.lastEventIndex(), "the late updates are still facts in the log");
  }

  @Test
  void frameworkRegisteredRecordsIdAndMaster() {
    assertEquals("", state.frameworkId());
    apply(framework("fw-1", "master-a:5050", 1000));
    assertEquals("fw-1", state.frameworkId());
    assertEquals("master-a:5050", state.frameworkMaster());

    apply(framework("fw-1", "master-b:5050", 2000));
    assertEquals("fw-1", state.frameworkId());
    assertEquals("master-b:5050", state.frameworkMaster());
  }

  @Test
  void statusWithAStateValueFromANewerVersionDoesNotBreakSnapshots() {
    // proto3 enums are open: a log written by a newer version may carry a TaskState number this
    // build does not know. Either the projection refuses it, or the state stays snapshottable.
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));
    Event fromTheFuture = Event.newBuilder().setTimestampMs(2000).setTaskStatusChanged(
        io.upone.core.proto.TaskStatusChanged.newBuilder().setTaskId("web.1").setStateValue(99)).build();
    try {
      apply(fromTheFuture);
    } catch (Problem.Failure refused) {
      return; // refusing it is fine
    }
    String hash = org.junit.jupiter.api.Assertions.assertDoesNotThrow(state::hash,
        "an accepted event must not make hash()/snapshot() throw");
    assertEquals(hash, State.restore(state.snapshot()).hash());
  }

  // ---- proposals -----------------------------------------------------------------------------

  @Test
  void proposalWhoseSecondEventIsRefusedChangesNothing() {
    apply(created("/web", 1000));
    apply(launched("web.1", "/web", 1, "agent-1", "host-1", 1500, 31000));
    long lastIndex = state.lastEventIndex();

    Problem p = refused(
        launched("web.2", "/web", 1, "agent-2", "host-2", 2000, 31001), // fine alone
        created("/web", 2000));                                         // refused
    assertProblem(p, Problem.Kind.CONFLICT, "app_exists");
    assertTrue(state.task("web.2").isEmpty());

    Problem q = refused(
        created("/api", 2000),             // fine alone
        scaled("/web", 9, 4, 2000),        // stale
        framework("fw-9", "m", 2000));
    assertProblem(q, Problem.Kind.CONFLICT, "stale_version");
    assertTrue(state.app("/api").isEmpty());
    assertEquals("", state.frameworkId());

    Problem r = refused(
        status("web.1", TaskState.TASK_KILLED, 2000), // fine alone
        deleted("/nope", 1, 2000));
    assertProblem(r, Problem.Kind.NOT_FOUND, "app_not_found");
    assertTrue(state.task("web.1").isPresent());

    assertEquals(lastIndex, state.lastEventIndex());
  }

  @Test
  void proposalMayTouchAnAppOnlyOnce() {
    Problem p = refused(created("/web", 1000), scaled("/web", 3, 1, 1000));
    assertProblem(p, Problem.Kind.CONFLICT, "proposal_invalid");
    assertTrue(state.app("/web").isEmpty());
  }

  @Test
  void eventWithoutPayloadIsRefused() {
    apply(created("/web", 1000));
    Problem p = refused(framework("fw", "m", 1), Event.newBuilder().setTimestampMs(5).build());
    assertProblem(p, Problem.Kind.CONFLICT, "event_empty");
  }

  @Test
  void eventIndexesAreDenseAcrossProposalsAndRefusedProposalsGetNone() {
    List<Event> first = apply(created("/a", 1), created("/b", 1), framework("fw", "m", 1));
    assertEquals(List.of(1L, 2L, 3L), first.stream().map(Event::getIndex).toList());
    assertEquals(3, state.lastEventIndex());

    refused(created("/c", 2), created("/a", 2));
    refused(scaled("/zzz", 1, 1, 3));
    assertEquals(3, state.lastEventIndex());

    List<Event> second = apply(scaled("/a", 3, 1, 4));
    assertEquals(List.of(4L), second.stream().map(Event::getIndex).toList());

    List<Event> third = apply(launched("a.1", "/a", 2, "ag", "h", 5), status("a.1", TaskState.TASK_RUNNING, 6));
    assertEquals(List.of(5L, 6L), third.stream().map(Event::getIndex).toList());
    assertEquals(6, state.lastEventIndex());
  }

  @Test
  void committedEventsCarryTermAndEntryIndex() {
    Event e1 = created("/web", 1234);
    Event e2 = framework("fw", "m", 1235);

    List<Event> committed = state.applyProposal(proposal(e1, e2), 42, 7);

    assertEquals(2, committed.size());
    for (Event c : committed) {
      assertEquals(7, c.getTerm());
      assertEquals(42, c.getEntryIndex());
    }
    // everything the proposer gave is kept as is
    assertEquals(e1, committed.get(0).toBuilder().clearIndex().clearTerm().clearEntryIndex().build());
    assertEquals(e2, committed.get(1).toBuilder().clearIndex().clearTerm().clearEntryIndex().build());
    assertEquals(1234, committed.get(0).getTimestampMs());
    assertEquals(42, state.lastEntryIndex());
    assertEquals(7, state.lastTerm());

    List<Event> later = state.applyProposal(proposal(scaled("/web", 4, 1, 2000)), 43, 8);
    assertEquals(3, later.get(0).getIndex());
    assertEquals(8, later.get(0).getTerm());
    assertEquals(43, later.get(0).getEntryIndex());
  }

  @Test
  void refusedProposalDoesNotMoveEntryIndexButEntryAppliedDoesAndHashIgnoresIt() {
    state.applyProposal(proposal(created("/web", 1)), 10, 2);
    String hash = state.hash();

    assertThrows(Problem.Failure.class, () -> state.applyProposal(proposal(created("/web", 2)), 11, 2));
    assertEquals(10, state.lastEntryIndex());

    state.entryApplied(11, 3);
    assertEquals(11, state.lastEntryIndex());
    assertEquals(3, state.lastTerm());
    assertEquals(hash, state.hash(), "where in the raft log the state was reached is not part of the hash");
    assertEquals(11, state.snapshot().getLastEntryIndex());
  }

  @Test
  void emptyProposalCommitsNothing() {
    List<Event> none = state.applyProposal(Proposal.getDefaultInstance(), 5, 1);
    assertTrue(none.isEmpty());
    assertEquals(0, state.lastEventIndex());
    assertFalse(state.app("/").isPresent());
  }
}
