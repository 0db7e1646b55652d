package io.upone.server;

import io.upone.mesos.MesosConfig;
import io.upone.mesos.sim.SimMaster;
import io.vertx.core.Future;

/** What the server's tests against the simulated Mesos master share. */
final class SimMasters {
  private SimMasters() {}

  /** Waits for a simulator call (tests run off the simulator's event loop). */
  static <T> T join(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  /** The framework the master has a live subscription of, or "" when none. */
  static String connectedFrameworkId(SimMaster sim) {
    return join(sim.frameworkIds()).stream().filter(id -> join(sim.isConnected(id))).findFirst().orElse("");
  }

  /** The scheduler's settings for this master: fast backoff, a failover timeout no test outlives. */
  static MesosConfig mesos(SimMaster sim) {
    return MesosConfig.of(sim.url()).withBackoff(50, 500).withFailoverTimeout(3600);
  }
}
