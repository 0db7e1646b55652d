package io.upone.agent;

import io.upone.agent.exec.Executor;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The agent's log endpoint: the last bytes of a task's stdout or stderr, or with {@code offset}
 * what came after that position (for following). The answer's {@code X-Upone-Log-Size} is the
 * output's size, the next offset. A process writes its output to its sandbox; a running
 * container's is asked of the engine (it reaches the sandbox when the container ends).
 */
final class TaskOutput {
  static final int DEFAULT_BYTES = 64 << 10;
  static final int MAX_BYTES = 4 << 20;

  private TaskOutput() {}

  static void serve(Vertx vertx, RoutingContext ctx, Executor.RunningTask running, Path sandbox, String taskId) {
    String stream = ctx.request().getParam("stream", "stdout");
    if (!stream.equals("stdout") && !stream.equals("stderr")) {
      problem(ctx, 400, "invalid_request", "stream must be stdout or stderr", "stream");
      return;
    }
    int bytes;
    try {
      bytes = Integer.parseInt(ctx.request().getParam("bytes", String.valueOf(DEFAULT_BYTES)));
      if (bytes < 0 || bytes > MAX_BYTES) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      problem(ctx, 400, "invalid_request", "bytes must be an integer from 0 to " + MAX_BYTES, "bytes");
      return;
    }
    long offset;
    try {
      offset = Long.parseLong(ctx.request().getParam("offset", "-1"));
      if (offset < -1) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      problem(ctx, 400, "invalid_request", "offset must be a position in the output (0 or more)", "offset");
      return;
    }
    long[] size = new long[1];
    vertx.executeBlocking(() -> {
      Optional<byte[]> live = running == null ? Optional.empty() : running.output(stream);
      if (live.isPresent()) {
        byte[] b = live.get();
        size[0] = b.length;
        int from = offset >= 0 ? (int) Math.min(offset, b.length) : Math.max(0, b.length - bytes);
        return Arrays.copyOfRange(b, from, Math.min(b.length, from + bytes));
      }
      return read(sandbox.resolve(stream), offset, bytes, size);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        problem(ctx, 502, "output_unavailable", "cannot read the output of " + taskId + ": " + ar.cause().getMessage(), "");
      } else if (ar.result() == null) {
        problem(ctx, 404, "task_not_found", "no task " + taskId + " on this agent", "");
      } else {
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("X-Upone-Log-Size", String.valueOf(size[0]))
            .end(io.vertx.core.buffer.Buffer.buffer(ar.result()));
      }
    });
  }

  /**
   * The file's last {@code bytes} bytes (offset -1), or up to {@code bytes} from {@code offset} (a
   * file rotated since, shorter than the offset, is read from its start); empty when the task wrote
   * nothing yet; null when there is no such sandbox.
   */
  private static byte[] read(Path file, long offset, int bytes, long[] size) throws IOException {
    if (!Files.isDirectory(file.getParent())) return null;
    if (!Files.exists(file)) return new byte[0];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      size[0] = f.length();
      long from = offset < 0 ? Math.max(0, f.length() - bytes) : offset > f.length() ? 0 : offset;
      byte[] out = new byte[(int) Math.min(bytes, f.length() - from)];
      f.seek(from);
      f.readFully(out);
      return out;
    }
  }

  private static void problem(RoutingContext ctx, int status, String code, String message, String field) {
    Refusals.send(ctx, status, code, message, field, message);
  }
}
