package io.upone.core.state;

import static io.upone.core.state.Events.created;
import static io.upone.core.state.Events.deleted;
import static io.upone.core.state.Events.framework;
import static io.upone.core.state.Events.launched;
import static io.upone.core.state.Events.member;
import static io.upone.core.state.Events.scaled;
import static io.upone.core.state.Events.status;
import static io.upone.core.state.Events.updated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.proto.TaskState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays one seeded pseudo-random log (2,000 proposals of every event kind, some refused) and
 * checks the projection is a pure function of it.
 */
class ReplayDeterminismTest {
  private static final long SEED = 20240611L;
  private static final int PROPOSALS = 2_000;

  /** A proposal as it sits in the log: which raft entry carried it. */
  record Entry(long index, long term, List<Proposal> proposals) {}

  /** What replaying a log produced. */
  record Replay(State state, List<Event> committed, int refused) {}

  private static List<Entry> log;
  private static Replay reference;

  @BeforeAll
  static void buildLog() {
    log = generate(SEED);
    reference = replay(new State(), log);
  }

  // ---- the log -------------------------------------------------------------------------------

  private static final TaskState[] STATUSES = {
      TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_RUNNING, TaskState.TASK_RUNNING,
      TaskState.TASK_KILLING, TaskState.TASK_UNREACHABLE, TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_LOST};

  /**
   * Generates a log. A scratch State stands in for the proposer's view so that most proposals
   * are valid; a share is made stale or unknown on purpose, and some touch one app twice.
   */
  static List<Entry> generate(long seed) {
    Random rnd = new Random(seed);
    State view = new State();
    List<Entry> entries = new ArrayList<>();
    long entryIndex = 0;
    long term = 1;
    long ts = 1_700_000_000_000L;
    int taskSeq = 0;
    int made = 0;
    while (made < PROPOSALS) {
      entryIndex++;
      if (rnd.nextInt(50) == 0) term++;
      int perEntry = 1 + rnd.nextInt(3);
      List<Proposal> ps = new ArrayList<>();
      for (int k = 0; k < perEntry && made < PROPOSALS; k++, made++) {
        Proposal.Builder p = Proposal.newBuilder();
        int events = rnd.nextInt(10) < 7 ? 1 : 2 + rnd.nextInt(2);
        for (int j = 0; j < events; j++) {
          ts += 1 + rnd.nextInt(1000);
          p.addEvents(randomEvent(rnd, view, ts, "t" + (taskSeq++)));
        }
        Proposal built = p.build();
        try {
          view.applyProposal(built, entryIndex, term);
        } catch (Problem.Failure refused) {
          // the log keeps it; replay must refuse it too
        }
        ps.add(built);
      }
      view.entryApplied(entryIndex, term);
      entries.add(new Entry(entryIndex, term, List.copyOf(ps)));
    }
    return List.copyOf(entries);
  }

  private static Event randomEvent(Random rnd, State view, long ts, String newTaskId) {
    List<String> existing = view.apps().stream().map(AppSpec::getId).sorted().toList();
    String anyId = "/team" + rnd.nextInt(4) + "/app" + rnd.nextInt(12);
    String appId = !existing.isEmpty() && rnd.nextInt(4) != 0 ? existing.get(rnd.nextInt(existing.size())) : anyId;
    long version = view.app(appId).map(AppSpec::getVersion).orElse(1L);
    long previous = rnd.nextInt(10) == 0 ? version + 1 + rnd.nextInt(3) : version; // sometimes stale
    int kind = rnd.nextInt(126);
    if (kind >= 118) return randomDeploymentEvent(rnd, view, appId, ts);
    if (kind < 12) {
      return created(randomSpec(rnd, anyId, 1), ts);
    } else if (kind < 20) {
      return updated(randomSpec(rnd, appId, previous + 1), previous, ts);
    } else if (kind < 30) {
      return scaled(appId, rnd.nextInt(20), previous, ts);
    } else if (kind < 33) {
      return deleted(appId, previous, ts);
    } else if (kind < 60) {
      int[] ports = new int[rnd.nextInt(3)];
      for (int i = 0; i < ports.length; i++) ports[i] = 31000 + rnd.nextInt(1000);
      int agent = rnd.nextInt(8);
      return launched(newTaskId, appId, version, "agent-" + agent, "host-" + agent + ".dc1", ts, ports);
    } else if (kind < 98) {
      List<String> tasks = view.tasks().stream().map(Task::id).sorted().toList();
      String taskId = tasks.isEmpty() || rnd.nextInt(12) == 0 ? "lost-" + rnd.nextInt(1000)
          : tasks.get(rnd.nextInt(tasks.size()));
      if (rnd.nextInt(10) == 0) {
        return Event.newBuilder().setTimestampMs(ts).setTaskReady(io.upone.core.proto.TaskReady.newBuilder().setTaskId(taskId)
            .setMessage("ready: 200")).build();
      }
      TaskState s = STATUSES[rnd.nextInt(STATUSES.length)];
      return rnd.nextBoolean()
          ? status(taskId, s, ts)
          : status(taskId, s, rnd.nextBoolean(), rnd.nextInt(5) == 0 ? "check " + rnd.nextInt(50) : "", ts);
    } else if (kind >= 112) {
      return randomZoneEvent(rnd, view, ts);
    } else if (kind >= 100) {
      return randomJobEvent(rnd, view, ts, newTaskId);
    } else if (kind == 98) {
      return framework("fw-" + rnd.nextInt(3), "master-" + rnd.nextInt(3) + ":5050", ts);
    } else {
      int host = rnd.nextInt(5);
      return member("10.0.0." + host + ":7070", rnd.nextInt(4) == 0 ? "" : "http://10.0.0." + host + ":" + (8080 + rnd.nextInt(2)), ts);
    }
  }

  /** Deployment events (mostly valid, sometimes of a deployment that is not running) and alerts. */
  private static Event randomDeploymentEvent(Random rnd, State view, String appId, long ts) {
    var active = view.deployment(appId);
    String id = active.map(d -> d.getStarted().getDeploymentId()).orElse("dep-" + rnd.nextInt(1000));
    int k = rnd.nextInt(20);
    Event.Builder e = Event.newBuilder().setTimestampMs(ts);
    if (k < 9 || active.isEmpty() && k < 15) {
      AppSpec from = view.app(appId).orElse(randomSpec(rnd, appId, 1));
      e.setDeploymentStarted(io.upone.core.proto.DeploymentStarted.newBuilder().setDeploymentId("dep-" + ts)
          .setAppId(appId).setFromVersion(from.getVersion()).setToVersion(from.getVersion() + 1).setFromSpec(from)
          .setFailureThreshold(3).setReason("update"));
    } else if (k < 14) {
      e.setDeploymentPhaseChanged(io.upone.core.proto.DeploymentPhaseChanged.newBuilder().setDeploymentId(id)
          .setAppId(appId).setPhase(io.upone.core.proto.DeploymentPhase.forNumber(1 + rnd.nextInt(5))));
    } else if (k < 19) {
      e.setDeploymentFinished(io.upone.core.proto.DeploymentFinished.newBuilder().setDeploymentId(id).setAppId(appId)
          .setOutcome(io.upone.core.proto.DeploymentOutcome.forNumber(1 + rnd.nextInt(4))).setReason("done"));
    } else if (rnd.nextBoolean()) {
      e.setAlertRaised(io.upone.core.proto.AlertRaised.newBuilder().setKind("kill_budget_exhausted").setAppId(appId)
          .setMessage("test"));
    } else {
      // alerting's watermark: forward mostly, sometimes stale (refused)
      long through = rnd.nextInt(4) == 0 ? view.alertsSentThrough() : view.lastEventIndex();
      e.setAlertsSent(io.upone.core.proto.AlertsSent.newBuilder().setThroughIndex(through).setSent(rnd.nextInt(3)));
    }
    return e.build();
  }

  /** Zone events: created, updated (sometimes stale), deleted. */
  private static Event randomZoneEvent(Random rnd, State view, long ts) {
    String name = "z" + rnd.nextInt(3);
    long version = view.zone(name).map(io.upone.core.proto.ZoneSpec::getVersion).orElse(1L);
    long previous = rnd.nextInt(8) == 0 ? version + 1 : version;
    io.upone.core.proto.ZoneSpec.Builder z = io.upone.core.proto.ZoneSpec.newBuilder().setName(name)
        .setKind(io.upone.core.proto.LbKind.forNumber(1 + rnd.nextInt(2))).addInstances("127.0.0.1:" + (1000 + rnd.nextInt(9)));
    return switch (rnd.nextInt(3)) {
      case 0 -> Event.newBuilder().setTimestampMs(ts).setZoneCreated(io.upone.core.proto.ZoneCreated.newBuilder()
          .setSpec(z.setVersion(1))).build();
      case 1 -> Event.newBuilder().setTimestampMs(ts).setZoneUpdated(io.upone.core.proto.ZoneUpdated.newBuilder()
          .setSpec(z.setVersion(previous + 1)).setPreviousVersion(previous)).build();
      default -> Event.newBuilder().setTimestampMs(ts).setZoneDeleted(io.upone.core.proto.ZoneDeleted.newBuilder()
          .setName(name).setPreviousVersion(previous)).build();
    };
  }

  /** Job events: fires mostly in order, sometimes a stale instant (refused), runs started and ended. */
  private static Event randomJobEvent(Random rnd, State view, long ts, String newTaskId) {
    String jobId = "/jobs/j" + rnd.nextInt(4);
    var rec = view.job(jobId);
    long version = rec.map(r -> r.getSpec().getVersion()).orElse(1L);
    long last = rec.map(io.upone.core.proto.JobRecord::getLastScheduledMs).orElse(0L);
    long instant = rnd.nextInt(8) == 0 ? last : last + 60_000L * (1 + rnd.nextInt(3)); // sometimes already fired
    Event.Builder e = Event.newBuilder().setTimestampMs(ts);
    int k = rnd.nextInt(100);
    if (k < 12) {
      e.setJobCreated(io.upone.core.proto.JobCreated.newBuilder().setSpec(io.upone.core.proto.JobSpec.newBuilder()
          .setId(jobId).setSchedule("* * * * *").setCmd("report " + rnd.nextInt(9)).setCpus(0.1).setMem(32)
          .setHistoryLimit(1 + rnd.nextInt(5)).setVersion(1)));
    } else if (k < 18) {
      e.setJobUpdated(io.upone.core.proto.JobUpdated.newBuilder().setPreviousVersion(version).setSpec(
          io.upone.core.proto.JobSpec.newBuilder().setId(jobId).setSchedule("*/5 * * * *").setCmd("report")
              .setSuspended(rnd.nextBoolean()).setCpus(0.2).setMem(64).setVersion(version + 1)));
    } else if (k < 21) {
      e.setJobDeleted(io.upone.core.proto.JobDeleted.newBuilder().setJobId(jobId).setPreviousVersion(version));
    } else if (k < 50) {
      e.setJobRunFired(io.upone.core.proto.JobRunFired.newBuilder().setJobId(jobId).setRunId(jobId + "@" + instant)
          .setScheduledMs(instant));
    } else if (k < 62) {
      e.setJobRunMissed(io.upone.core.proto.JobRunMissed.newBuilder().setJobId(jobId).setRunId(jobId + "@" + instant)
          .setScheduledMs(instant).setReason("deadline"));
    } else {
      var active = rec.map(io.upone.core.proto.JobRecord::getActiveList).orElse(List.of());
      String run = active.isEmpty() ? jobId + "@0" : active.get(rnd.nextInt(active.size())).getRunId();
      if (k < 80) {
        e.setTaskLaunched(io.upone.core.proto.TaskLaunched.newBuilder().setTaskId(newTaskId).setAppId(jobId).setRunId(run)
            .setAgentId("agent-" + rnd.nextInt(8)).setHostname("host"));
      } else {
        e.setJobRunFinished(io.upone.core.proto.JobRunFinished.newBuilder().setJobId(jobId).setRunId(run)
            .setState(rnd.nextBoolean() ? io.upone.core.proto.RunState.RUN_FINISHED : io.upone.core.proto.RunState.RUN_FAILED)
            .setExitCode(rnd.nextInt(3)));
      }
    }
    return e.build();
  }

  private static AppSpec randomSpec(Random rnd, String id, long version) {
    AppSpec.Builder b = AppSpec.newBuilder().setId(id).setVersion(version)
        .setCmd("./run --shard " + rnd.nextInt(100))
        .setCpus(0.1 * (1 + rnd.nextInt(20))).setMem(32 * (1 + rnd.nextInt(32))).setInstances(rnd.nextInt(10))
        .setNetworkMode(rnd.nextBoolean() ? NetworkMode.HOST : NetworkMode.BRIDGE);
    int env = rnd.nextInt(4);
    for (int i = 0; i < env; i++) b.putEnv("VAR_" + rnd.nextInt(10), "v" + rnd.nextInt(100));
    int labels = rnd.nextInt(3);
    for (int i = 0; i < labels; i++) b.putLabels("label" + rnd.nextInt(10), "x" + rnd.nextInt(100));
    return b.build();
  }

  static Replay replay(State s, List<Entry> entries) {
    List<Event> committed = new ArrayList<>();
    int refused = 0;
    for (Entry e : entries) {
      for (Proposal p : e.proposals()) {
        try {
          committed.addAll(s.applyProposal(p, e.index(), e.term()));
        } catch (Problem.Failure f) {
          refused++;
        }
      }
      s.entryApplied(e.index(), e.term());
    }
    return new Replay(s, committed, refused);
  }

  // ---- tests ---------------------------------------------------------------------------------

  @Test
  void theLogExercisesEveryEventKindAndSomeRefusals() {
    assertEquals(PROPOSALS, log.stream().mapToInt(e -> e.proposals().size()).sum());
    Map<Event.PayloadCase, Integer> kinds = new EnumMap<>(Event.PayloadCase.class);
    reference.committed().forEach(e -> kinds.merge(e.getPayloadCase(), 1, Integer::sum));
    for (Event.PayloadCase c : Event.PayloadCase.values()) {
      if (c == Event.PayloadCase.PAYLOAD_NOT_SET) continue;
      assertTrue(kinds.getOrDefault(c, 0) > 0, "no committed " + c + " in " + kinds);
    }
    assertTrue(reference.refused() > 50, "refused " + reference.refused());
    assertTrue(reference.refused() < PROPOSALS / 2, "refused " + reference.refused());
    assertTrue(reference.state().appCount() > 0);
    assertTrue(reference.state().taskCount() > 0);
    assertTrue(reference.committed().stream().anyMatch(e -> e.hasTaskStatusChanged()
        && Task.isTerminal(e.getTaskStatusChanged().getState())));
  }

  @Test
  void sameLogSameHash() {
    Replay a = replay(new State(), log);
    Replay b = replay(new State(), log);
    assertEquals(a.state().hash(), b.state().hash());
    assertEquals(reference.state().hash(), a.state().hash());
    assertEquals(a.committed(), b.committed());
    assertEquals(a.state().snapshot(), b.state().snapshot());
    // the generator itself is deterministic
    assertEquals(log, generate(SEED));
  }

  @Test
  void committedIndexesAreDenseAndRecordTheirEntry() {
    List<Event> committed = reference.committed();
    for (int i = 0; i < committed.size(); i++) assertEquals(i + 1, committed.get(i).getIndex());
    assertEquals(committed.size(), reference.state().lastEventIndex());
    Entry last = log.get(log.size() - 1);
    assertEquals(last.index(), reference.state().lastEntryIndex());
    assertEquals(last.term(), reference.state().lastTerm());
    long prevEntry = 0;
    for (Event e : committed) {
      assertTrue(e.getEntryIndex() >= prevEntry);
      assertTrue(e.getTerm() >= 1);
      prevEntry = e.getEntryIndex();
    }
  }

  @Test
  void snapshotRestoreGivesTheSameState() throws Exception {
    State original = reference.state();
    StateSnapshot snap = original.snapshot();
    State restored = State.restore(StateSnapshot.parseFrom(snap.toByteArray()));

    assertEquals(original.hash(), restored.hash());
    assertEquals(snap, restored.snapshot());
    assertEquals(original.lastEventIndex(), restored.lastEventIndex());
    assertEquals(original.lastEntryIndex(), restored.lastEntryIndex());
    assertEquals(original.lastTerm(), restored.lastTerm());
    assertEquals(original.frameworkId(), restored.frameworkId());
    for (AppSpec app : original.apps()) {
      assertEquals(app, restored.app(app.getId()).orElseThrow());
      assertEquals(taskIds(original, app.getId()), taskIds(restored, app.getId()));
    }
    for (Task t : original.tasks()) {
      Task r = restored.task(t.id()).orElseThrow();
      assertEquals(t.state(), r.state());
      assertEquals(t.healthy(), r.healthy());
      assertEquals(t.runningAtMs(), r.runningAtMs());
      assertEquals(t.hostname(), r.hostname());
    }
  }

  @Test
  void restoreHalfwayThenReplayTheRestEqualsFullReplay() {
    int half = log.size() / 2;
    State first = replay(new State(), log.subList(0, half)).state();
    State restored = State.restore(first.snapshot());
    Replay rest = replay(restored, log.subList(half, log.size()));

    assertEquals(reference.state().hash(), rest.state().hash());
    List<Event> tail = reference.committed().subList(reference.committed().size() - rest.committed().size(),
        reference.committed().size());
    assertEquals(tail, rest.committed(), "a restored state commits the same events with the same indexes");
  }

  @Test
  void oneDifferentEventGivesADifferentHash() {
    // pick a task that survives to the end and change its launch in the middle of the log
    Set<String> surviving = reference.state().tasks().stream().map(Task::id).collect(Collectors.toSet());
    String target = null;
    for (Event e : reference.committed()) {
      if (e.hasTaskLaunched() && surviving.contains(e.getTaskLaunched().getTaskId())) {
        target = e.getTaskLaunched().getTaskId();
        break;
      }
    }
    assertTrue(target != null, "some launched task survives");
    String t = target;

    List<Entry> changedHost = mutateLaunch(t, e -> e.toBuilder()
        .setTaskLaunched(e.getTaskLaunched().toBuilder().setHostname("elsewhere")).build());
    List<Entry> changedTime = mutateLaunch(t, e -> e.toBuilder().setTimestampMs(e.getTimestampMs() + 1).build());

    assertNotEquals(log, changedHost);
    String base = reference.state().hash();
    assertNotEquals(base, replay(new State(), changedHost).state().hash());
    assertNotEquals(base, replay(new State(), changedTime).state().hash());

    // and an app-level change: the last accepted framework registration
    List<Entry> changedFramework = mutateLast(Event::hasFrameworkRegistered, e -> e.toBuilder()
        .setFrameworkRegistered(e.getFrameworkRegistered().toBuilder().setMaster("another:5050")).build());
    assertNotEquals(base, replay(new State(), changedFramework).state().hash());
  }

  private static List<Entry> mutateLaunch(String taskId, java.util.function.UnaryOperator<Event> f) {
    return mutate(e -> e.hasTaskLaunched() && e.getTaskLaunched().getTaskId().equals(taskId), f, false);
  }

  private static List<Entry> mutateLast(java.util.function.Predicate<Event> which,
                                        java.util.function.UnaryOperator<Event> f) {
    // the last committed event of that kind; find it by its position in the committed list
    Event last = null;
    for (Event e : reference.committed()) if (which.test(e)) last = e;
    assertTrue(last != null);
    Event stripped = last.toBuilder().clearIndex().clearTerm().clearEntryIndex().build();
    long entry = last.getEntryIndex();
    return mutate(e -> e.equals(stripped), f, true, entry);
  }

  private static List<Entry> mutate(java.util.function.Predicate<Event> which, java.util.function.UnaryOperator<Event> f,
                                    boolean onlyInEntry, long... entry) {
    List<Entry> out = new ArrayList<>();
    int changed = 0;
    for (Entry en : log) {
      List<Proposal> ps = new ArrayList<>();
      for (Proposal p : en.proposals()) {
        Proposal.Builder b = p.toBuilder();
        for (int i = 0; i < b.getEventsCount(); i++) {
          boolean inEntry = !onlyInEntry || en.index() == entry[0];
          if (inEntry && which.test(b.getEvents(i))) {
            b.setEvents(i, f.apply(b.getEvents(i)));
            changed++;
          }
        }
        ps.add(b.build());
      }
      out.add(new Entry(en.index(), en.term(), ps));
    }
    assertEquals(1, changed, "exactly one event changed");
    return out;
  }

  private static Set<String> taskIds(State s, String app) {
    return s.tasksOf(app).stream().map(Task::id).collect(Collectors.toCollection(TreeSet::new));
  }
}
