package io.upone.bench;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.state.State;
import java.lang.reflect.Method;

/**
 * The projection's apply rate and a reader's walk over every task, with 100,000 tasks, as the
 * log's apply thread drives it: one proposal per entry (an idle leader) or 64 (a busy one), and
 * a view published after every entry where the build has views. Uses only the API older builds
 * share, so the same main runs against an older upone-core for a before/after figure.
 *
 * <p>{@code java -cp <upone-core classes>:<protobuf-java> io.upone.bench.ProjectionBench [tasks [rounds]]}
 */
public final class ProjectionBench {
  private static volatile Object published;
  private static long entry;

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Method view = null;
    try {
      view = State.class.getMethod("view");
    } catch (NoSuchMethodException olderBuild) {
      // no views: readers read the live state
    }
    System.out.printf("projection bench: %,d tasks in 100 apps, views %s%n", tasks, view == null ? "absent" : "published per entry");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    for (int round = 0; round < rounds; round++) {
      for (int perEntry : new int[] {1, 64}) {
        State s = new State();
        for (int a = 0; a < 100; a++) apply(s, view, Proposal.newBuilder().addEvents(Event.newBuilder().setAppCreated(
            AppCreated.newBuilder().setSpec(AppSpec.newBuilder().setId("/app-" + a).setCmd("x").setInstances(tasks / 100)
                .setVersion(1)))).build());
        long t0 = System.nanoTime();
        Proposal.Builder[] batch = new Proposal.Builder[perEntry];
        int n = 0;
        for (int i = 0; i < tasks; i++) {
          batch[n++] = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(i).setTaskLaunched(TaskLaunched
              .newBuilder().setTaskId("t-" + i).setAppId("/app-" + (i % 100)).setAppVersion(1).setAgentId("agent-" + (i % 1000))
              .setHostname("host-" + (i % 1000)).addHostPorts(31000 + i % 1000)));
          if (n == perEntry) {
            applyAll(s, view, batch, n);
            n = 0;
          }
        }
        applyAll(s, view, batch, n);
        n = 0;
        for (int i = 0; i < tasks; i++) {
          batch[n++] = Proposal.newBuilder().addEvents(Event.newBuilder().setTimestampMs(i).setTaskStatusChanged(
              TaskStatusChanged.newBuilder().setTaskId("t-" + i).setState(TaskState.TASK_RUNNING)));
          if (n == perEntry) {
            applyAll(s, view, batch, n);
            n = 0;
          }
        }
        applyAll(s, view, batch, n);
        double secs = (System.nanoTime() - t0) / 1e9;
        State reader = view == null ? s : (State) view.invoke(s);
        long r0 = System.nanoTime();
        int running = 0;
        for (int a = 0; a < 100; a++) {
          for (io.upone.core.state.Task t : reader.tasksOf("/app-" + a)) if (t.state() == TaskState.TASK_RUNNING) running++;
        }
        double readMs = (System.nanoTime() - r0) / 1e6;
        System.out.printf("  round %d, %2d proposal(s) per entry: %,.0f events/s applied; a reader walks %,d tasks in %.1f ms%n",
            round + 1, perEntry, 2.0 * tasks / secs, running, readMs);
      }
    }
  }

  private static void applyAll(State s, Method view, Proposal.Builder[] batch, int n) throws Exception {
    if (n == 0) return;
    entry++;
    for (int i = 0; i < n; i++) s.applyProposal(batch[i].build(), entry, 1);
    s.entryApplied(entry, 1);
    if (view != null) published = view.invoke(s);
  }

  private static void apply(State s, Method view, Proposal p) throws Exception {
    entry++;
    s.applyProposal(p, entry, 1);
    if (view != null) published = view.invoke(s);
  }
}
