package io.upone.consul.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fake checked by code nobody here wrote: the npm {@code consul} client (with HashiCorp's
 * consul-api-double shapes) and the Python {@code consul} client each run their checks against it
 * ({@code clients/}). With {@code CONSUL_HTTP_ADDR} set, the same checks run against that real
 * agent too, so the fake and Consul can be compared. Outside CI the clients may be missing (then
 * these are skipped); .ci/run installs them, and under CI a missing one fails.
 */
class IndependentClientsTest {
  static final Path CLIENTS = Path.of("clients").toAbsolutePath();
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static Vertx vertx;
  static ConsulSim sim;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = ConsulSim.start(vertx, "consul-sim", 0).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static void need(boolean ready, String what) {
    if (System.getenv("CI") == null) Assumptions.assumeTrue(ready, "needs " + what);
    else assertTrue(ready, "CI must install " + what);
  }

  static boolean nodeReady() {
    return Files.isDirectory(CLIENTS.resolve("node_modules/consul"))
        && Files.isDirectory(CLIENTS.resolve("node_modules/@hashicorp/consul-api-double"));
  }

  static boolean pythonReady() throws Exception {
    return Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import consul")).exit == 0;
  }

  record Ran(int exit, String output) {}

  static Ran run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(CLIENTS.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("client did not finish: " + cmd + "\n" + out);
      return new Ran(p.exitValue(), out);
    } finally {
      p.destroyForcibly();
    }
  }

  static void passes(List<String> cmd) throws Exception {
    Ran r = run(cmd);
    System.out.println(r.output);
    assertEquals(0, r.exit, r.output);
    assertTrue(r.output.matches("(?s).*\\n[1-9]\\d* passed, 0 failed\\s*"), r.output);
  }

  @Test
  void npmConsulClientAndApiDoubleShapes() throws Exception {
    need(nodeReady(), "`npm ci` in " + CLIENTS);
    passes(List.of("node", "check-node.mjs", sim.address()));
  }

  @Test
  void pythonConsulClient() throws Exception {
    need(pythonReady(), "Debian's python3-consul");
    passes(List.of(PYTHON.toString(), "check_python.py", sim.address()));
  }

  /** Opt-in: the same checks against a real Consul agent ({@code CONSUL_HTTP_ADDR=http://host:8500}). */
  @Test
  void realAgentAnswersTheSameChecks() throws Exception {
    String addr = System.getenv("CONSUL_HTTP_ADDR");
    Assumptions.assumeTrue(addr != null && !addr.isBlank(), "set CONSUL_HTTP_ADDR to check a real agent");
    String url = addr.contains("://") ? addr : "http://" + addr;
    List<String> failures = new ArrayList<>();
    if (nodeReady()) {
      Ran r = run(List.of("node", "check-node.mjs", url));
      if (r.exit != 0) failures.add(r.output);
    }
    if (pythonReady()) {
      Ran r = run(List.of(PYTHON.toString(), "check_python.py", url));
      if (r.exit != 0) failures.add(r.output);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
