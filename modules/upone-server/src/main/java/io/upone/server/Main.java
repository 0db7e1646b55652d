package io.upone.server;

import io.upone.server.config.ConfigSources;
import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar upone.jar <command>}: the one binary of upone. */
@Command(name = "upone", mixinStandardHelpOptions = true, version = "upone 0.1.0",
    description = "A scheduler for long-running services and cron jobs.",
    subcommands = {Main.Server.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  @Command(name = "server", mixinStandardHelpOptions = true,
      description = "Run an upone node: a raft group member with the HTTP API. Settings come from --config, "
          + "UPONE_* environment variables and these flags (flags win).")
  static final class Server implements Callable<Integer> {
    @Option(names = "--config", description = "properties file with any of: " + "data-dir, http-host, http-port, raft, peers, "
        + "snapshot-every, max-batch, election-timeout-ms, max-body-bytes")
    Path config;
    @Option(names = "--data-dir", description = "where the raft log, metadata and snapshots live (default data/node1)")
    String dataDir;
    @Option(names = "--http-host", description = "address the HTTP API binds (default 127.0.0.1)")
    String httpHost;
    @Option(names = "--http-port", description = "HTTP API port (default 8080)")
    String httpPort;
    @Option(names = "--raft", description = "this node's raft endpoint host:port (default 127.0.0.1:7070)")
    String raft;
    @Option(names = "--peers", description = "all members as host:raftPort/httpPort,... (default: a one-node group)")
    String peers;
    @Option(names = "--snapshot-every", description = "snapshot the projection every N log entries (default 10000)")
    String snapshotEvery;
    @Option(names = "--max-batch", description = "proposals packed into one log entry at most (default 4096)")
    String maxBatch;

    @Override
    public Integer call() throws Exception {
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("data-dir", dataDir);
      flags.put("http-host", httpHost);
      flags.put("http-port", httpPort);
      flags.put("raft", raft);
      flags.put("peers", peers);
      flags.put("snapshot-every", snapshotEvery);
      flags.put("max-batch", maxBatch);
      ServerConfig cfg;
      try {
        cfg = ConfigSources.resolve(config, System.getenv(), flags);
      } catch (IllegalArgumentException e) {
        System.err.println("upone: " + e.getMessage());
        return 2;
      }
      UponeServer server;
      try {
        server = UponeServer.start(cfg).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        System.err.println("upone: cannot start: " + c.getMessage());
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway
        }
        stopped.countDown();
      }, "upone-shutdown"));
      String members = cfg.peers().size() == 1 ? "single node" : cfg.peers().size() + "-node group";
      System.out.println("upone: HTTP API on " + server.url() + " (" + members + ", data in " + cfg.dataDir() + ")");
      if (server.awaitReady(Duration.ofSeconds(30))) {
        System.out.println("upone: ready at " + server.url() + " — try: curl " + server.url() + "/v1/cluster");
      } else {
        System.out.println("upone: waiting for a raft quorum (" + members + "); /health answers 503 until then");
      }
      stopped.await();
      return 0;
    }
  }
}
