package io.upone.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing: the highest raft term of a leader this agent has heard from (in a command or a
 * heartbeat answer). A command sent by a leader of an older term comes from a deposed leader
 * (one cut off from its group that does not know yet) and is refused, so it can neither launch
 * nor kill. Kept in the work dir: a restarted agent still refuses the old leader.
 */
public final class LeaderTerms {
  /** The header a master puts its term in, on every command. */
  public static final String HEADER = "X-Upone-Term";
  private static final Logger LOG = LoggerFactory.getLogger(LeaderTerms.class);
  private final Path file;
  private long highest;

  LeaderTerms(Path workDir) {
    this.file = workDir.resolve(".upone-term");
    long h = 0;
    try {
      if (Files.exists(file)) h = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read {}: {}; starting from term 0", file, e.getMessage());
    }
    highest = h;
  }

  public synchronized long highest() {
    return highest;
  }

  /**
   * Whether a command of {@code term} may run: not older than the highest seen. A newer term is
   * remembered. A command without a term (0) is from a master that does not fence; it runs.
   */
  public synchronized boolean admit(long term) {
    if (term <= 0) return true;
    if (term < highest) return false;
    if (term > highest) {
      highest = term;
      persist();
    }
    return true;
  }

  private void persist() {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(highest), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot record leader term {} in {}: {}", highest, file, e.getMessage());
    }
  }

  /** The term a request carries in {@link #HEADER}; 0 when absent, -1 when unreadable. */
  public static long of(String header) {
    if (header == null) return 0;
    try {
      long t = Long.parseLong(header.trim());
      return t < 0 ? -1 : t;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
