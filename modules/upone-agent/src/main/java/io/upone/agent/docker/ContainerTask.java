package io.upone.agent.docker;

import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container the agent runs, followed to its end: when it stops, its exit code and whether the
 * OOM killer ended it are read, its output is appended to the sandbox's stdout and stderr, its
 * exit code is written where {@link ProcessExecutor#readExit} finds it, and it is removed. A wait
 * cut off by the engine restarting (live-restore keeps the container) is simply waited again.
 */
final class ContainerTask implements Executor.RunningTask {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerTask.class);
  private static final long RETRY_MS = 1000;

  private final DockerEngine engine;
  private final String id;
  private final long pid;
  private final Instant startedAt;
  private final Path sandbox;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private volatile boolean oomKilled;
  private volatile boolean outputSaved;

  private ContainerTask(DockerEngine engine, String id, long pid, Instant startedAt, Path sandbox) {
    this.engine = engine;
    this.id = id;
    this.pid = pid;
    this.startedAt = startedAt;
    this.sandbox = sandbox;
  }

  static ContainerTask follow(DockerEngine engine, String id, JsonObject state, Path sandbox) {
    Instant started;
    try {
      started = Instant.parse(state.getString("StartedAt", ""));
    } catch (RuntimeException e) {
      started = Instant.now();
    }
    ContainerTask t = new ContainerTask(engine, id, state.getLong("Pid", 0L), started, sandbox);
    t.waitForEnd();
    return t;
  }

  private void waitForEnd() {
    engine.waitNotRunning(id)
        .compose(code -> engine.inspect(id).compose(c -> c == null ? Future.succeededFuture(code) : ended(c, code)))
        .onSuccess(exit::complete)
        .onFailure(e -> engine.inspect(id).onComplete(ar -> {
          if (engine.closed()) return;
          if (ar.succeeded() && ar.result() == null) {
            exit.complete(null); // removed behind the agent's back: no exit code to tell
          } else {
            LOG.info("waiting for container {} again: {}", id, e.getMessage());
            retryLater();
          }
        }));
  }

  private void retryLater() {
    // a closed client means the agent is stopping: the container goes on, the next agent follows it
    if (!engine.closed()) engine.vertxTimer(RETRY_MS, this::waitForEnd);
  }

  /** Reads how it ended, keeps its output, removes it. */
  private Future<Integer> ended(JsonObject container, int waitCode) {
    JsonObject st = container.getJsonObject("State", new JsonObject());
    oomKilled = st.getBoolean("OOMKilled", false);
    int code = st.getInteger("ExitCode", waitCode);
    // the code is known now: output that cannot be had (removed meanwhile) does not lose it
    return engine.logs(id)
        .recover(e -> {
          LOG.warn("no output of container {}: {}", id, e.getMessage());
          return Future.succeededFuture(new LogFrames.Output(new byte[0], new byte[0]));
        })
        .map(out -> {
          try {
            append(sandbox.resolve("stdout"), out.stdout());
            append(sandbox.resolve("stderr"), out.stderr());
            Files.writeString(sandbox.resolve(ProcessExecutor.EXIT_FILE), String.valueOf(code));
          } catch (IOException e) {
            LOG.warn("cannot keep the output of container {}: {}", id, e.getMessage());
          }
          outputSaved = true;
          return code;
        })
        .compose(c -> engine.remove(id).map(c).otherwise(c));
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  @Override
  public void signal(String signal) {
    try {
      DockerExecutor.await(engine.kill(id, "SIG" + signal), 30);
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal container " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean alive() {
    return !exit.isDone();
  }

  @Override
  public String containerId() {
    return id;
  }

  @Override
  public boolean outOfMemory() {
    return oomKilled;
  }

  @Override
  public Optional<byte[]> output(String stream) throws IOException {
    if (outputSaved) return Optional.empty();
    try {
      LogFrames.Output out = DockerExecutor.await(engine.logs(id), 30);
      return Optional.of("stderr".equals(stream) ? out.stderr() : out.stdout());
    } catch (IOException e) {
      if (outputSaved) return Optional.empty(); // it ended meanwhile: the sandbox has it
      throw e;
    }
  }
}
