package io.upone.mesos.sim;

import io.upone.core.cli.Subcommand;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upone mesos-sim}: found by the server's Main through {@code ServiceLoader} when this module is in the jar. */
@Command(name = "mesos-sim", mixinStandardHelpOptions = true,
    description = "Run a simulated Mesos master (v1 scheduler API) over simulated agents, for demos and benchmarks.")
public final class SimCommand implements Subcommand {
  @Option(names = "--agents", defaultValue = "10", description = "simulated agents (default 10)")
  int agents;
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default 127.0.0.1)")
  String host;
  @Option(names = "--port", defaultValue = "5050", description = "port (default 5050)")
  int port;
  @Option(names = "--agent-resources", defaultValue = "cpus:8;mem:16384;disk:100000;ports:[31000-32000]",
      description = "what each agent has (default cpus:8;mem:16384;disk:100000;ports:[31000-32000])")
  String resources;
  @Option(names = "--heartbeat-s", defaultValue = "15", description = "HEARTBEAT interval (default 15)")
  double heartbeat;
  @Option(names = "--offer-interval-ms", defaultValue = "1000", description = "allocation interval (default 1000)")
  long offerInterval;
  @Option(names = "--agent-port", defaultValue = "0",
      description = "port of each agent's endpoints on its own 127.0.0.N address: 0 = ephemeral (default), -1 = none")
  int agentPort;

  @Override
  public Integer call() throws Exception {
    SimOptions opts;
    try {
      io.upone.core.driver.Resources r = io.upone.core.driver.Resources.parse(resources);
      int begin = r.ports().isEmpty() ? 31000 : r.ports().get(0).begin();
      int end = r.ports().isEmpty() ? 32000 : r.ports().get(0).end();
      opts = new SimOptions(agents, r.cpus(), r.mem(), r.disk(), begin, end, 4, heartbeat,
          offerInterval, 0, 10_000, 5, host, port, null, agentPort);
    } catch (IllegalArgumentException e) {
      System.err.println("upone mesos-sim: " + e.getMessage());
      return 2;
    }
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    SimMaster sim;
    try {
      sim = SimMaster.start(vertx, opts).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("upone mesos-sim: cannot start: " + (e.getCause() == null ? e : e.getCause()).getMessage());
      vertx.close();
      return 1;
    }
    System.out.println("upone mesos-sim: simulated Mesos master on " + sim.url() + " with " + agents + " agents; "
        + "run: upone server --mesos " + sim.url() + "   (state: curl " + sim.url() + "/master/state; counters: /sim/state)");
    // runs until the JVM is asked to stop; then the master closes with Vert.x
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
      stopped.countDown();
    }, "upone-mesos-sim-shutdown"));
    stopped.await();
    return 0;
  }
}
