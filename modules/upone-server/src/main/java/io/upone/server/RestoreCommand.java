package io.upone.server;

import io.upone.eventlog.Backup;
import io.upone.server.config.ConfigSources;
import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code upone restore}: turns a backup into the data dir of a node that starts from it. The
 * node's raft endpoint and group come from the same settings the server reads.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Check a backup file and restore it into an empty data dir; then start the server there with "
        + "the same settings. Give the node's --config (or --raft/--peers as for the server).")
final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--in", required = true, description = "the backup file")
  Path in;
  @Option(names = "--config", description = "the server's properties file (data-dir, raft, peers are read from it)")
  Path config;
  @Option(names = "--data-dir", description = "the data dir to restore into; must hold no node yet")
  String dataDir;
  @Option(names = "--raft", description = "the restored node's raft endpoint host:port (default 127.0.0.1:7070)")
  String raft;
  @Option(names = "--peers", description = "the new group as host:raftPort/httpPort,... (default: this node alone)")
  String peers;
  @Option(names = "--check", description = "only check the file and say what it holds; write nothing")
  boolean check;

  @Override
  public Integer call() {
    try {
      if (check) {
        System.out.println("upone restore: " + in + " is sound: " + BackupCommand.describe(Backup.inspect(in)));
        return 0;
      }
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("data-dir", dataDir);
      flags.put("raft", raft);
      flags.put("peers", peers);
      ServerConfig cfg = ConfigSources.resolve(config, System.getenv(), flags);
      List<String> group = cfg.peers().stream().map(Peer::raftEndpoint).toList();
      Backup.Summary s = Backup.restore(in, cfg.dataDir().resolve("raft"), group);
      System.out.println("upone restore: restored into " + cfg.dataDir() + " for " + group + ": " + BackupCommand.describe(s));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("upone restore: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("upone restore: " + e.getMessage());
      return 1;
    }
  }
}
