package io.upone.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a task's stdout/stderr under a size: copy to {@code NAME.1}, then truncate in place. The
 * task appends (O_APPEND), so it goes on writing at the new end; at most twice the cap is kept.
 */
final class LogCap {
  private LogCap() {}

  static void rotateIfOver(Path file, long cap) throws IOException {
    if (cap <= 0 || !Files.exists(file) || Files.size(file) <= cap) return;
    Files.copy(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
  }
}
