package io.upone.agent.exec;

import io.upone.core.driver.TaskLaunch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs tasks on this machine. The process executor is always there; other executors (Docker)
 * are offered only where their engine answers. Methods may block: call them off the event loop.
 */
public interface Executor extends AutoCloseable {

  /** What the agent advertises and records in a task's sandbox: "process", "docker". */
  default String name() {
    return "process";
  }

  /** What to tell the master beside the name (e.g. the engine's version); empty when nothing. */
  default Map<String, String> details() {
    return Map.of();
  }

  /** Whether this executor can run the launch (e.g. a container image needs a container engine). */
  boolean accepts(TaskLaunch launch);

  RunningTask launch(TaskLaunch launch, Path sandbox, Map<String, String> env) throws IOException;

  /** Finds a task started by an earlier agent process, if it still runs. */
  Optional<RunningTask> reattach(long pid, Instant startedAt, Path sandbox);

  /**
   * Finds a task started by an earlier agent process, by its container id when it has one
   * ({@link RunningTask#containerId()}); executors without containers look at the pid alone.
   */
  default Optional<RunningTask> reattach(long pid, Instant startedAt, String containerId, Path sandbox) {
    return reattach(pid, startedAt, sandbox);
  }

  /**
   * After recovery: ends and removes what this executor started for this agent that is not one
   * of {@code knownTaskIds} (an earlier agent process started it and then lost its sandbox).
   * @return the task ids of what was removed
   */
  default Set<String> removeStrays(String agentId, Set<String> knownTaskIds) {
    return Set.of();
  }

  @Override
  default void close() {}

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

    /** The container the task runs in, which finds it again after an agent restart; empty for processes. */
    default String containerId() {
      return "";
    }

    /** Whether the task was ended by the kernel's out-of-memory killer at its memory limit. */
    default boolean outOfMemory() {
      return false;
    }

    /**
     * The task's output so far ("stdout" or "stderr") when it is not in the sandbox's files yet
     * (a container's output stays in the engine until it ends); empty: read the sandbox file.
     */
    default Optional<byte[]> output(String stream) throws IOException {
      return Optional.empty();
    }
  }
}
