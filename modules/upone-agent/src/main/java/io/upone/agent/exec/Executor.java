package io.upone.agent.exec;

import io.upone.core.driver.TaskLaunch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs tasks on this machine. The process executor is always there; other executors (Docker)
 * are offered only where their engine answers. Methods may block: call them off the event loop.
 */
public interface Executor {

  /** Whether this executor can run the launch (e.g. a container image needs a container engine). */
  boolean accepts(TaskLaunch launch);

  RunningTask launch(TaskLaunch launch, Path sandbox, Map<String, String> env) throws IOException;

  /** Finds a task started by an earlier agent process, if it still runs. */
  Optional<RunningTask> reattach(long pid, Instant startedAt, Path sandbox);

  /** A started task: its process group, start time and exit. */
  interface RunningTask {
    long pid();

    Instant startedAt();

    /** Completes with the exit code, or {@code null} when it cannot be known (killed by a signal). */
    CompletableFuture<Integer> exit();

    /** Sends a signal ("TERM", "KILL") to the task's whole process group. */
    void signal(String signal);

    boolean alive();

    /**
     * Whether anything of the task still runs: its process group may outlive its first process
     * (a server draining after SIGTERM still holds its ports). Blocking: call off the event loop.
     */
    default boolean groupAlive() {
      return alive();
    }
  }
}
