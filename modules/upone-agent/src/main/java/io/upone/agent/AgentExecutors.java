package io.upone.agent;

import io.upone.agent.docker.DockerEngine;
import io.upone.agent.docker.DockerExecutor;
import io.upone.agent.exec.Executor;
import io.upone.agent.exec.ProcessExecutor;
import io.upone.core.container.ContainerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent on this machine can run: processes always, containers when a Docker engine
 * answers ({@link DockerEngine#locate}). Containers follow the policy in the environment
 * ({@link ContainerPolicy#fromEnvironment}: UPONE_ALLOW_PRIVILEGED, UPONE_VOLUME_ROOTS).
 */
public final class AgentExecutors {
  private static final Logger LOG = LoggerFactory.getLogger(AgentExecutors.class);

  private AgentExecutors() {}

  /** Blocks up to a few seconds while it asks the engine. */
  public static List<Executor> detect(Map<String, String> env, long logCapBytes) {
    List<Executor> out = new ArrayList<>();
    out.add(new ProcessExecutor());
    docker(env, logCapBytes).ifPresent(out::add);
    return out;
  }

  public static Optional<Executor> docker(Map<String, String> env, long logCapBytes) {
    Optional<String> socket = DockerEngine.locate(env);
    if (socket.isEmpty()) {
      LOG.info("no Docker engine socket (DOCKER_HOST, {}, {}): this agent runs processes only",
          DockerEngine.DEFAULT_SOCKET, DockerEngine.PROJECT_SOCKET);
      return Optional.empty();
    }
    String[] why = new String[1];
    Optional<DockerEngine> engine = DockerEngine.connect(socket.get(), why);
    if (engine.isEmpty()) {
      LOG.info("{}: this agent runs processes only", why[0]);
      return Optional.empty();
    }
    LOG.info("Docker {} (API {}) on {}: this agent runs containers too", engine.get().version(),
        engine.get().apiVersion(), socket.get());
    return Optional.of(new DockerExecutor(engine.get(), ContainerPolicy.fromEnvironment(env), logCapBytes));
  }
}
