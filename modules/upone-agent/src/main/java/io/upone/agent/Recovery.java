package io.upone.agent;

import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.proto.TaskState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent finds when it starts: its id (kept in the work dir), the tasks its sandboxes
 * record and have not been forgotten, each re-attached by the executor that started it or
 * reported as it ended; then each executor removes what it runs for this agent that no sandbox
 * knows of.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {}

  static String agentId(Path workDir) throws IOException {
    Files.createDirectories(workDir.resolve("sandboxes"));
    Path idFile = workDir.resolve("agent-id");
    if (Files.exists(idFile)) return Files.readString(idFile).trim();
    String id = "agent-" + UUID.randomUUID();
    Files.writeString(idFile, id);
    return id;
  }

  static List<AgentTask> tasks(Path workDir, String agentId, List<Executor> executors) throws IOException {
    List<AgentTask> out = new ArrayList<>();
    try (var dirs = Files.list(workDir.resolve("sandboxes"))) {
      for (Path sandbox : (Iterable<Path>) dirs::iterator) {
        Path meta = sandbox.resolve(Agent.META);
        if (!Files.exists(meta) || Files.exists(sandbox.resolve(Agent.DONE))) continue;
        out.add(task(new JsonObject(Files.readString(meta)), sandbox, executors));
      }
    }
    Set<String> known = new HashSet<>();
    out.forEach(t -> known.add(t.launch.taskId()));
    for (Executor e : executors) {
      Set<String> removed = e.removeStrays(agentId, known);
      if (!removed.isEmpty()) LOG.info("removed what {} ran for tasks this agent no longer knows: {}", e.name(), removed);
    }
    return out;
  }

  private static AgentTask task(JsonObject j, Path sandbox, List<Executor> executors) {
    AgentTask t = new AgentTask(Wire.launch(j.getJsonObject("launch")), sandbox);
    // sandboxes written before there were several executors record none: processes
    String name = j.getString("executor", "process");
    Optional<Executor.RunningTask> again = Optional.empty();
    for (Executor e : executors) {
      if (!e.name().equals(name)) continue;
      again = e.reattach(j.getLong("pid"), Instant.ofEpochMilli(j.getLong("startedAtMs")), j.getString("containerId", ""), sandbox);
    }
    if (again.isPresent()) {
      t.running = again.get();
      t.state = TaskState.TASK_RUNNING;
      LOG.info("re-attached to task {} (pid {})", t.launch.taskId(), t.running.pid());
      return t;
    }
    Integer code = ProcessExecutor.readExit(sandbox);
    if (code != null) {
      t.state = code == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
      t.exitCode = code;
      t.message = "exited with " + code + " while the agent was down";
    } else if (OrphanWatchdog.endedByWatchdog(sandbox).isPresent()) {
      t.state = TaskState.TASK_LOST;
      t.reason = "agent_gone";
      t.message = OrphanWatchdog.endedByWatchdog(sandbox).get();
    } else {
      t.state = TaskState.TASK_LOST;
      t.reason = "agent_restarted";
      t.message = "the task's process was gone when the agent restarted";
    }
    return t;
  }
}
