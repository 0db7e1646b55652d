package io.upone.server;

import io.upone.core.cli.Subcommand;
import io.upone.server.config.ConfigSources;
import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar upone.jar <command>}: the one binary of upone. */
@Command(name = "upone", mixinStandardHelpOptions = true, version = "upone 0.1.0",
    description = "A scheduler for long-running services and cron jobs.",
    subcommands = {Main.Server.class, Main.AgentCommand.class, BackupCommand.class, RestoreCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    System.exit(withExtras(cli).execute(args));
  }

  /**
   * Adds the subcommands of modules the server does not compile against (the Mesos simulator, the
   * CLI). One whose name is taken (the CLI's {@code agent list} next to {@code agent --master})
   * gives its subcommands to the existing command.
   */
  static CommandLine withExtras(CommandLine cli) {
    for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
      CommandLine added = new CommandLine(extra);
      CommandLine existing = cli.getSubcommands().get(added.getCommandName());
      if (existing == null) {
        cli.addSubcommand(added);
      } else {
        added.getSubcommands().forEach(existing::addSubcommand);
      }
    }
    return cli;
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
        + "snapshot-every, max-batch, election-timeout-ms, max-body-bytes, heartbeat-ms, agent-timeout-ms, kill-budget, "
        + "deploy-deadline-s, health-kill-budget, lost-budget, "
        + "local-agent, local-agent-resources, local-agent-attributes, placement-strategy, placement-weight-attribute, "
        + "placement-agent-weights, mesos, mesos-framework-name, mesos-role, mesos-user, mesos-failover-timeout-s, mesos-codec, join, "
        + "tokens-file, tokens, agent-secret, tls-cert, tls-key, tls-ca, "
        + "slack-webhook, alerts-channel, alerts-group-ms, alerts-dedupe-s, alerts-per-minute, alerts-queue, alerts-flap, "
        + "consul-address")
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
    @Option(names = "--snapshot-every", description = "snapshot the projection every N applied events (default 100000)")
    String snapshotEvery;
    @Option(names = "--max-batch", description = "proposals packed into one log entry at most (default 4096)")
    String maxBatch;
    @Option(names = "--local-agent", description = "also run an agent in this process that offers this machine")
    boolean localAgent;
    @Option(names = "--local-agent-resources", description = "what the local agent offers, e.g. cpus:2;mem:2048;ports:[31000-32000] (default: this machine)")
    String localAgentResources;
    @Option(names = "--agent-timeout-ms", description = "an agent silent this long is lost, its tasks replaced (default 10000)")
    String agentTimeoutMs;
    @Option(names = "--placement-strategy", description = "strategy of apps without the upone.placement label: spread or binpack (default spread)")
    String placementStrategy;
    @Option(names = "--placement-weight-attribute", description = "agent attribute holding a numeric placement weight (default: none)")
    String placementWeightAttribute;
    @Option(names = "--mesos", description = "run as a Mesos framework of this master, e.g. http://127.0.0.1:5050 (several: comma-separated); excludes --local-agent")
    String mesos;
    @Option(names = "--mesos-framework-name", description = "FrameworkInfo.name (default upone)")
    String mesosFrameworkName;
    @Option(names = "--mesos-role", description = "role offers are allocated to (default *)")
    String mesosRole;
    @Option(names = "--mesos-failover-timeout-s", description = "how long Mesos keeps our tasks while no upone leader is subscribed (default 604800, a week)")
    String mesosFailoverTimeout;
    @Option(names = "--mesos-codec", description = "protobuf or json on the wire (default protobuf)")
    String mesosCodec;
    @Option(names = "--consul-address", description = "Consul agent to register services with and read app env and agent attributes from, e.g. http://127.0.0.1:8500 (default: none)")
    String consulAddress;
    @Option(names = "--join", description = "URL of any member of an existing group: start with no group and ask it to add this node")
    String join;
    @Option(names = "--tokens-file", description = "API tokens, one 'token role name' per line (role: read, write or admin); "
        + "none: no authentication")
    String tokensFile;
    @Option(names = "--agent-secret", description = "secret agents must send, and that launches and kills carry")
    String agentSecret;
    @Option(names = "--tls-cert", description = "PEM certificate (chain) for HTTPS on the API; with --tls-key")
    String tlsCert;
    @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
    String tlsKey;

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
      flags.put("local-agent", localAgent ? "true" : null);
      flags.put("local-agent-resources", localAgentResources);
      flags.put("agent-timeout-ms", agentTimeoutMs);
      flags.put("placement-strategy", placementStrategy);
      flags.put("placement-weight-attribute", placementWeightAttribute);
      flags.put("mesos", mesos);
      flags.put("mesos-framework-name", mesosFrameworkName);
      flags.put("mesos-role", mesosRole);
      flags.put("mesos-failover-timeout-s", mesosFailoverTimeout);
      flags.put("mesos-codec", mesosCodec);
      flags.put("join", join);
      flags.put("tokens-file", tokensFile);
      flags.put("agent-secret", agentSecret);
      flags.put("tls-cert", tlsCert);
      flags.put("tls-key", tlsKey);
      flags.put("consul-address", consulAddress);
      ServerConfig cfg;
      try {
        cfg = ConfigSources.resolve(config, System.getenv(), flags);
      } catch (IllegalArgumentException e) {
        System.err.println("upone: " + e.getMessage());
        return 2;
      }
      UponeServer server;
      try {
        String joinUrl = ConfigSources.merged(config, System.getenv(), flags).get("join");
        server = (joinUrl == null || joinUrl.isBlank() ? UponeServer.start(cfg) : Join.start(cfg, joinUrl))
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable c = e.getCause() == null ? e : e.getCause();
        System.err.println("upone: cannot start: " + (c.getMessage() == null ? c.toString() : c.getMessage()));
        return 1;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("upone: stopping");
        if (server.localAgent() != null) server.localAgent().endAllTasks(Duration.ofSeconds(3));
        try {
          server.stop().get(20, TimeUnit.SECONDS);
          System.out.println("upone: stopped");
        } catch (Exception e) {
          System.err.println("upone: stopping failed: " + e);
        }
        stopped.countDown();
      }, "upone-shutdown"));
      String members = cfg.peers().size() == 1 ? "single node" : cfg.peers().size() + "-node group";
      System.out.println("upone: HTTP API on " + server.url() + " (" + members + ", data in " + cfg.dataDir() + ")");
      if (cfg.mesos() != null) {
        System.out.println("upone: a Mesos framework of " + cfg.mesos().masters() + " (failover timeout "
            + (long) cfg.mesos().failoverTimeoutSeconds() + " s)");
      }
      if (server.localAgent() != null) {
        System.out.println("upone: local agent " + server.localAgent().agentId() + " runs " + server.localAgent().executorNames()
            + " on this machine");
      }
      if (server.awaitReady(Duration.ofSeconds(30))) {
        System.out.println("upone: ready at " + server.url() + " — open " + server.url() + "/ in a browser, or try: curl "
            + server.url() + "/v1/cluster");
      } else {
        System.out.println("upone: waiting for a raft quorum (" + members + "); /health answers 503 until then");
      }
      stopped.await();
      return 0;
    }
  }

  /** Blocks until the JVM is asked to stop, then closes {@code vertx} (10 s at most). */
  static void runUntilShutdown(io.vertx.core.Vertx vertx, String hookName) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
      stopped.countDown();
    }, hookName));
    stopped.await();
  }

  @Command(name = "agent", mixinStandardHelpOptions = true,
      description = "Run an upone agent: offer this machine to the master and run tasks as processes.")
  static final class AgentCommand implements Callable<Integer> {
    @Option(names = "--master", description = "master URL(s), comma-separated (the VIP, or every node); required to run an agent")
    String master;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--resources", description = "what to offer, e.g. cpus:4;mem:8192;disk:10000;ports:[31000-32000] (default: this machine)")
    String resources;
    @Option(names = "--attributes", description = "machine attributes for constraints, e.g. rack:a;zone:hz")
    String attributes;
    @Option(names = "--work-dir", defaultValue = "data/agent", description = "sandboxes and the agent id (default data/agent)")
    Path workDir;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address the agent API binds (default 127.0.0.1); with 0.0.0.0 the master calls it by --hostname")
    String host;
    @Option(names = "--port", defaultValue = "5051", description = "agent API port (default 5051)")
    int port;
    @Option(names = "--hostname", description = "the name placement sees (default: this machine's hostname)")
    String hostname;
    @Option(names = "--heartbeat-ms", defaultValue = "1000")
    long heartbeatMs;
    @Option(names = "--agent-secret", description = "secret shared with the master (default: $UPONE_AGENT_SECRET); "
        + "sent with every heartbeat, required on every launch and kill")
    String agentSecret;
    @Option(names = "--master-ca", description = "PEM certificate (or CA) to trust when --master is https")
    Path masterCa;
    @Option(names = "--kill-tasks-after-master-loss-ms", defaultValue = "0",
        description = "kill every task after this long without an answering master (default 0: keep them running)")
    long killAfterMasterLossMs;
    @Option(names = "--orphan-grace-ms", defaultValue = "60000",
        description = "kill this agent's tasks when the agent has been dead or hung this long and none restarted "
            + "on its work dir (default 60000; 0: keep them running)")
    long orphanGraceMs;

    @Override
    public Integer call() throws Exception {
      if (master == null) {
        // not required by picocli, so that `upone agent list` (the CLI) parses without it
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--master'");
      }
      io.upone.agent.AgentConfig cfg;
      try {
        cfg = new io.upone.agent.AgentConfig(master,
            resources == null ? io.upone.agent.LocalMachine.resources() : io.upone.core.driver.Resources.parse(resources),
            io.upone.agent.AgentConfig.parseAttributes(attributes), workDir,
            hostname == null ? io.upone.agent.LocalMachine.hostname() : hostname, host, port, heartbeatMs, 10L << 20);
      } catch (IllegalArgumentException e) {
        System.err.println("upone agent: " + e.getMessage());
        return 2;
      }
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      String secret = agentSecret != null ? agentSecret : System.getenv("UPONE_AGENT_SECRET");
      io.upone.agent.Agent agent = new io.upone.agent.Agent(cfg, io.upone.agent.AgentExecutors.detect(System.getenv(), 10L << 20))
          .secret(secret).masterCa(masterCa)
          .killTasksAfterMasterLoss(java.time.Duration.ofMillis(killAfterMasterLossMs))
          .orphanGrace(java.time.Duration.ofMillis(orphanGraceMs));
      if (secret == null || secret.isBlank()) {
        System.out.println("upone agent: no --agent-secret: anyone who reaches " + host + ":" + port + " can launch processes here");
      }
      try {
        vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("upone agent: cannot start: " + (e.getCause() == null ? e : e.getCause()).getMessage());
        vertx.close();
        return 1;
      }
      System.out.println("upone agent " + agent.agentId() + " on " + agent.url() + " offering " + cfg.resources()
          + " to " + master);
      runUntilShutdown(vertx, "upone-agent-shutdown");
      return 0;
    }
  }
}
