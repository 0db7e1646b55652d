package io.upone.bench.lb;

import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.LoadBalancer;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import io.upone.core.proto.ZoneCreated;
import io.upone.core.proto.ZoneSpec;
import io.upone.core.state.State;
import io.upone.lb.HostResolver;
import io.upone.lb.InstanceSync;
import io.upone.lb.LbInstance;
import io.upone.lb.Server;
import io.upone.lb.SyncTimings;
import io.upone.lb.Upstreams;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task healthy → upstream pushed and confirmed, on a real HAProxy and a real Slardar, against a
 * reload-based update (configuration rewritten, HAProxy reloaded) of the same HAProxy in the
 * same run. A change is a task of the published app becoming RUNNING, or ending: the event is
 * applied to a projection, the upstream recomputed ({@link Upstreams}), pushed through the LB's
 * runtime API and read back ({@link InstanceSync}); the time is from before the event is applied
 * to the confirmation. (The raft commit before it, ~3 ms for one apply-and-wait on this machine
 * kind, is not in these figures.) A request loop runs through HAProxy throughout and counts
 * failures per phase. Slardar's workers copy a change from shared memory on their own 1 s timer:
 * that pickup is measured separately, through proxied requests.
 *
 * <pre>java -cp modules/upone-bench/target/classes:$(cat cp.txt) io.upone.bench.lb.LbBench [changes] [reloads] [pickups]</pre>
 */
public final class LbBench {
  private static final String UPSTREAM = "bench.upone";
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();
  private final State state = new State();
  private long nextEntry = 1;

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int reloads = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int pickups = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    new LbBench().run(changes, reloads, pickups);
    System.exit(0);
  }

  private void run(int changes, int reloads, int pickups) throws Exception {
    Path dir = Files.createTempDirectory("upone-lb-bench");
    try (BenchProcesses procs = new BenchProcesses(dir)) {
      int a = procs.backend("A");
      int b = procs.backend("B");
      int admin = BenchProcesses.freePort();
      int proxy = BenchProcesses.freePort();
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(cfg, haproxyConfig(admin, proxy, List.of()));
      Process haproxy = procs.haproxy(cfg, admin);
      int slAdmin = BenchProcesses.freePort();
      int slProxy = BenchProcesses.freePort();
      procs.slardar(slAdmin, slProxy);

      apply(Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(zone("edge-h", LbKind.HAPROXY, "127.0.0.1:" + admin))));
      apply(Event.newBuilder().setZoneCreated(ZoneCreated.newBuilder().setSpec(zone("edge-s", LbKind.SLARDAR, "127.0.0.1:" + slAdmin))));
      apply(Event.newBuilder().setAppCreated(AppCreated.newBuilder().setSpec(AppSpec.newBuilder().setId("/bench/web").setCmd("x")
          .setCpus(0.1).setMem(8).setInstances(2).setVersion(1).addPortDefinitions(PortDefinition.newBuilder())
          .setLoadBalancer(LoadBalancer.newBuilder().setUpstream(UPSTREAM).addZones("edge-h").addZones("edge-s")))));
      launch("task-a", a);
      running("task-a");

      System.out.printf("LB bench: %d changes per backend, %d reloads, %d Slardar pickups; HAProxy %s%n", changes, reloads,
          pickups, BenchProcesses.command(admin, "show info").lines().filter(l -> l.startsWith("Version")).findFirst().orElse(""));
      Feed h = open("edge-h");
      Feed s = open("edge-s");
      try (Traffic traffic = new Traffic(proxy)) {
        long[] hNs = changes(h, b, changes);
        long failedH = traffic.failed.getAndSet(0);
        long reqH = traffic.ok.getAndSet(0) + failedH;
        long[] sNs = changes(s, b, changes);
        long[] pick = pickup(s, b, slProxy, pickups);
        close(h);
        close(s);
        traffic.failed.set(0);
        traffic.ok.set(0);
        long[] r = reload(cfg, haproxy, admin, a, b, reloads);
        long failedR = traffic.failed.get();
        long reqR = traffic.ok.get() + failedR;
        System.out.println();
        System.out.println("| update path | changes | p50 ms | p99 ms | max ms | requests through HAProxy | failed |");
        System.out.println("|---|---|---|---|---|---|---|");
        row("HAProxy runtime API, task healthy -> server added (add server), confirmed by show servers state", half(hNs, 0), reqH + "", failedH + "");
        row("HAProxy runtime API, task ended -> server drained and deleted (waits for its connections)", half(hNs, 1), "", "");
        row("Slardar admin API, task healthy -> POST /upstream, confirmed by GET /upstreams", half(sNs, 0), "-", "-");
        row("Slardar admin API, task ended -> POST (or DELETE) /upstream, confirmed", half(sNs, 1), "-", "-");
        row("HAProxy config rewrite + reload (-W, SIGUSR2), until show servers state has it", r, reqR + "", failedR + "");
        row("Slardar worker pickup: confirmed POST until a proxied request reaches the new server", pick, "-", "-");
        System.out.printf("%nratio reload / runtime API (all %d changes) on HAProxy: p50 %.1fx, p99 %.1fx%n", hNs.length,
            pct(sorted(r), 50) / pct(sorted(hNs), 50), pct(sorted(r), 99) / pct(sorted(hNs), 99));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static ZoneSpec zone(String name, LbKind kind, String address) {
    return ZoneSpec.newBuilder().setName(name).setKind(kind).addInstances(address).setVersion(1).build();
  }

  // ---- the projection side -----------------------------------------------------------------

  private void apply(Event.Builder e) {
    state.applyProposal(Proposal.newBuilder().addEvents(e.setTimestampMs(System.currentTimeMillis())).build(), nextEntry++, 1);
  }

  private void launch(String id, int port) {
    apply(Event.newBuilder().setTaskLaunched(TaskLaunched.newBuilder().setTaskId(id).setAppId("/bench/web").setAppVersion(1)
        .setAgentId("agent").setHostname("127.0.0.1").addHostPorts(port)));
  }

  private void running(String id) {
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(id).setState(TaskState.TASK_RUNNING)));
  }

  private void ended(String id) {
    apply(Event.newBuilder().setTaskStatusChanged(TaskStatusChanged.newBuilder().setTaskId(id).setState(TaskState.TASK_KILLED)));
  }

  private List<Server> desired(String zone) {
    AppSpec app = state.app("/bench/web").orElseThrow();
    return Upstreams.ofApp(state, app, HostResolver.system(), Set.of()).getOrDefault(new Upstreams.Key(zone, UPSTREAM), List.of());
  }

  // ---- runtime API ---------------------------------------------------------------------------

  /** One zone's sync: its LB instance and the list it is to hold. */
  private static final class Feed {
    final String zone;
    InstanceSync sync;
    List<Server> current = List.of();

    Feed(String zone) {
      this.zone = zone;
    }
  }

  /** Opens the zone's sync and pushes the starting list (task A). */
  private Feed open(String zone) throws Exception {
    Feed f = new Feed(zone);
    ZoneSpec z = state.zone(zone).orElseThrow();
    onContext(() -> {
      f.current = desired(zone);
      f.sync = new InstanceSync(vertx, LbInstance.of(vertx, z.getKind(), z.getInstances(0)), u -> f.current,
          () -> Set.of(UPSTREAM), (i, u, sv, w) -> { }, new SyncTimings(3_600_000, 3_600_000, 10, 200, 1000, 0));
      return f.sync.confirmedAfter(UPSTREAM, f.sync.changed(UPSTREAM)).toCompletionStage().toCompletableFuture();
    }).get(30, TimeUnit.SECONDS);
    return f;
  }

  private void close(Feed f) throws Exception {
    onContext(() -> {
      f.sync.stop();
      return CompletableFuture.completedFuture(null);
    }).get(10, TimeUnit.SECONDS);
  }

  /** Applies {@code change} to the projection, recomputes, pushes; completes on the LB's confirmation. */
  private void change(Feed f, Runnable change) throws Exception {
    onContext(() -> {
      change.run();
      f.current = desired(f.zone);
      return f.sync.confirmedAfter(UPSTREAM, f.sync.changed(UPSTREAM)).toCompletionStage().toCompletableFuture();
    }).get(30, TimeUnit.SECONDS);
  }

  /** {@code n} changes: a task on port B becomes RUNNING (healthy: no health check), then ends; ns each. */
  private long[] changes(Feed f, int portB, int n) throws Exception {
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      String task = f.zone + "-b-" + (i / 2);
      boolean start = i % 2 == 0;
      long t0 = System.nanoTime();
      change(f, () -> {
        if (start) {
          launch(task, portB);
          running(task);
        } else {
          ended(task);
        }
      });
      ns[i] = System.nanoTime() - t0;
    }
    return ns;
  }

  /** Slardar: from a confirmed push adding B to the first proxied request B answers (workers copy every 1 s). */
  private long[] pickup(Feed f, int portB, int slProxy, int n) throws Exception {
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      String task = "pick-" + i;
      // B is out and no worker sends to it any more...
      BenchProcesses.wait("slardar workers drop B", () -> {
        for (int k = 0; k < 6; k++) if (BenchProcesses.get(slProxy, UPSTREAM, "/id").endsWith("B")) return false;
        return true;
      });
      change(f, () -> {
        launch(task, portB);
        running(task);
      });
      long confirmed = System.nanoTime();
      BenchProcesses.wait("B answers through slardar", () -> BenchProcesses.get(slProxy, UPSTREAM, "/id").endsWith("B"));
      ns[i] = System.nanoTime() - confirmed;
      change(f, () -> ended(task));
    }
    return ns;
  }

  private <T> CompletableFuture<T> onContext(java.util.function.Supplier<CompletableFuture<T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        work.get().whenComplete((r, t) -> {
          if (t != null) out.completeExceptionally(t);
          else out.complete(r);
        });
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    });
    return out;
  }

  // ---- reload baseline -----------------------------------------------------------------------

  private static String haproxyConfig(int admin, int proxy, List<Integer> servers) {
    StringBuilder c = new StringBuilder()
        .append("global\n  stats socket ipv4@127.0.0.1:").append(admin).append(" level admin\n  hard-stop-after 30s\n")
        .append("defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n")
        .append("frontend fe\n  bind 127.0.0.1:").append(proxy).append('\n')
        .append("  use_backend %[req.hdr(host),lower,word(1,:)]\n")
        .append("backend ").append(UPSTREAM).append("\n  balance roundrobin\n");
    for (int p : servers) c.append("  server s_").append(p).append(" 127.0.0.1:").append(p).append('\n');
    return c.toString();
  }

  /** {@code n} times: the config is rewritten with B added or removed and HAProxy reloaded; until the new list is served. */
  private long[] reload(Path cfg, Process haproxy, int admin, int a, int b, int n) throws Exception {
    String text = Files.readString(cfg);
    int proxy = Integer.parseInt(text.replaceAll("(?s).*bind 127\\.0\\.0\\.1:(\\d+).*", "$1"));
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      List<Integer> servers = i % 2 == 0 ? List.of(a, b) : List.of(a);
      // the master takes the next reload only once the last one is done and the old worker gone
      BenchProcesses.wait("one worker", () -> haproxy.toHandle().children().count() == 1);
      long t0 = System.nanoTime();
      Files.writeString(cfg, haproxyConfig(admin, proxy, servers));
      new ProcessBuilder("kill", "-USR2", String.valueOf(haproxy.pid())).start().waitFor();
      String want = servers.size() == 2 ? "s_" + b : null;
      BenchProcesses.wait("reload " + i, () -> {
        try {
          String st = BenchProcesses.command(admin, "show servers state " + UPSTREAM);
          return want != null ? st.contains(want) : !st.contains("s_" + b) && st.contains("s_" + a);
        } catch (java.io.IOException e) {
          return false;
        }
      });
      ns[i] = System.nanoTime() - t0;
    }
    return ns;
  }

  // ---- traffic and figures -------------------------------------------------------------------

  /** Requests through HAProxy, one connection each, counting non-200 answers. */
  private static final class Traffic implements AutoCloseable {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean on = new AtomicBoolean(true);
    private final Thread t;

    Traffic(int port) {
      t = new Thread(() -> {
        while (on.get()) {
          if (BenchProcesses.get(port, UPSTREAM, "/id").startsWith("200")) ok.incrementAndGet();
          else failed.incrementAndGet();
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws InterruptedException {
      on.set(false);
      t.join(10_000);
    }
  }

  /** Every other change: 0 = the starts (task healthy), 1 = the ends. */
  private static long[] half(long[] ns, int parity) {
    long[] out = new long[(ns.length + 1 - parity) / 2];
    for (int i = parity, j = 0; i < ns.length && j < out.length; i += 2) out[j++] = ns[i];
    return out;
  }

  private static long[] sorted(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s;
  }

  private static void row(String what, long[] ns, String requests, String failed) {
    long[] s = ns.clone();
    Arrays.sort(s);
    System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %s | %s |%n", what, ns.length, pct(s, 50), pct(s, 99),
        s[s.length - 1] / 1e6, requests, failed);
  }

  private static double pct(long[] sorted, int pct) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(pct / 100.0 * sorted.length) - 1)] / 1e6;
  }
}
