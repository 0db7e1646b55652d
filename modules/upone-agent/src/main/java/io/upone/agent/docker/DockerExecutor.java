package io.upone.agent.docker;

import io.upone.agent.exec.Executor;
import io.upone.core.container.ContainerPolicy;
import io.upone.core.container.DockerParameters;
import io.upone.core.driver.TaskContainer;
import io.upone.core.driver.TaskLaunch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs launches with an image as Docker containers: pulls the image when it is missing, creates
 * the container (limits, mounts, network, labels naming the task and agent), starts it, and
 * follows it to its end, when it keeps the output in the sandbox and removes the container.
 * Checks each launch against this agent's {@link ContainerPolicy}: the agent owns its machine.
 */
public final class DockerExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(DockerExecutor.class);
  private final DockerEngine engine;
  private final ContainerPolicy policy;
  private final long logMaxBytes;

  public DockerExecutor(DockerEngine engine, ContainerPolicy policy, long logMaxBytes) {
    this.engine = engine;
    // a container that mounts the engine's socket commands the engine: as good as root
    this.policy = policy.forbidding(engine.socketPath());
    this.logMaxBytes = logMaxBytes;
  }

  public DockerEngine engine() {
    return engine;
  }

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public Map<String, String> details() {
    return Map.of("dockerVersion", engine.version(), "dockerApiVersion", engine.apiVersion());
  }

  @Override
  public boolean accepts(TaskLaunch launch) {
    return !launch.image().isEmpty();
  }

  /** The container's name: the task id, in the characters the engine takes. */
  static String containerName(String taskId) {
    return "upone-" + taskId.replaceAll("[^a-zA-Z0-9_.-]", "_");
  }

  @Override
  public RunningTask launch(TaskLaunch l, Path sandbox, Map<String, String> env) throws IOException {
    refuseWhatPolicyForbids(l.container());
    Files.createDirectories(sandbox);
    ensureImage(l);
    String name = containerName(l.taskId());
    // a retried launch (the agent died between create and recording it) finds the old one: start afresh
    await(engine.remove(name), 60);
    String id = await(engine.create(name, CreateBody.of(l, env, sandbox, logMaxBytes)), 60);
    try {
      await(engine.start(id), 60);
    } catch (IOException e) {
      await(engine.remove(id), 60);
      throw e;
    }
    JsonObject state = await(engine.inspect(id), 30);
    return ContainerTask.follow(engine, id, state == null ? new JsonObject() : state.getJsonObject("State"), sandbox);
  }

  private void refuseWhatPolicyForbids(TaskContainer c) throws IOException {
    if (c.privileged() && !policy.allowPrivileged()) {
      throw new IOException("this agent does not run privileged containers (UPONE_ALLOW_PRIVILEGED)");
    }
    for (TaskContainer.Mount m : c.volumes()) {
      Optional<String> why = policy.hostPathProblem(m.hostPath());
      if (why.isPresent()) throw new IOException("volume " + m.containerPath() + ": hostPath " + why.get());
    }
    for (TaskContainer.Param p : c.parameters()) {
      if (!DockerParameters.known(p.key())) throw new IOException("unknown docker parameter '" + p.key() + "'");
      if (p.key().equals(DockerParameters.CAP_ADD) && !policy.allowPrivileged()) {
        throw new IOException("this agent does not add capabilities (--cap-add " + p.value() + ")");
      }
    }
  }

  private void ensureImage(TaskLaunch l) throws IOException {
    if (!l.container().forcePullImage() && await(engine.imagePresent(l.image()), 30)) return;
    try {
      await(engine.pull(l.image()), 600);
    } catch (IOException e) {
      throw new IOException("image " + l.image() + " is not on this agent and pulling it failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<RunningTask> reattach(long pid, Instant startedAt, Path sandbox) {
    return Optional.empty(); // a container is found by its id, not its pid
  }

  @Override
  public Optional<RunningTask> reattach(long pid, Instant startedAt, String containerId, Path sandbox) {
    if (containerId == null || containerId.isEmpty()) return Optional.empty();
    try {
      JsonObject c = await(engine.inspect(containerId), 30);
      if (c == null) return Optional.empty();
      // running or ended while the agent was down: either way follow it to its end from here
      return Optional.of(ContainerTask.follow(engine, containerId, c.getJsonObject("State"), sandbox));
    } catch (IOException e) {
      LOG.warn("cannot re-attach to container {}: {}", containerId, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public Set<String> removeStrays(String agentId, Set<String> knownTaskIds) {
    Set<String> removed = new HashSet<>();
    try {
      for (Object o : await(engine.listByLabel(CreateBody.AGENT_LABEL, agentId), 30)) {
        JsonObject c = (JsonObject) o;
        String taskId = c.getJsonObject("Labels", new JsonObject()).getString(CreateBody.TASK_LABEL, "");
        if (knownTaskIds.contains(taskId)) continue;
        LOG.info("removing container {} of task {}: this agent no longer knows the task", c.getString("Id"), taskId);
        await(engine.remove(c.getString("Id")), 60);
        removed.add(taskId);
      }
    } catch (IOException e) {
      LOG.warn("cannot list this agent's containers: {}", e.getMessage());
    }
    return removed;
  }

  @Override
  public void close() {
    engine.close();
  }

  /** Waits for an engine call from a blocking caller (an agent worker thread, never the engine's loop). */
  static <T> T await(Future<T> f, long seconds) throws IOException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the Docker engine did not answer in " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
