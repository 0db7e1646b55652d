package io.upone.server;

import io.upone.eventlog.Backup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upone backup}: one file with a node's latest snapshot and the log after it. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Write a backup of a node's data dir (its latest snapshot plus the raft log after it, with a "
        + "SHA-256) to one file. Works on a stopped node and on a running one; on a running one, "
        + "POST /v1/cluster/snapshot first keeps the file's log tail short.")
final class BackupCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, description = "the node's data-dir (as given to the server)")
  Path dataDir;
  @Option(names = "--out", required = true, description = "the backup file to write (replaced if it exists)")
  Path out;

  @Override
  public Integer call() {
    try {
      Backup.Summary s = Backup.write(dataDir.resolve("raft"), out);
      System.out.println("upone backup: wrote " + out + ": " + describe(s));
      return 0;
    } catch (Exception e) {
      System.err.println("upone backup: " + e.getMessage());
      return 1;
    }
  }

  static String describe(Backup.Summary s) {
    return "raft entry " + s.lastEntryIndex() + " (term " + s.lastTerm() + "), event " + s.lastEventIndex()
        + "; snapshot at entry " + s.snapshotEntryIndex() + " + " + s.tailEntries() + " entries; "
        + s.apps() + " apps, " + s.jobs() + " jobs, " + s.tasks() + " tasks; state hash " + s.stateHash();
  }
}
