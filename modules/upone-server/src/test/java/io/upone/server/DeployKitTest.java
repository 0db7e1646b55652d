package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.upone.agent.AgentConfig;
import io.upone.core.driver.Resources;
import io.upone.server.config.ConfigSources;
import io.upone.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deploy kit ({@code k8s-free-deploy/}) checked with the tools an operator's host uses:
 * systemd-analyze, keepalived, shellcheck; and its settings parsed by the server's own loader.
 * The tools are Debian packages that {@code .ci/run} installs.
 */
class DeployKitTest {
  private static final Path ROOT = repoRoot();
  private static final Path KIT = ROOT.resolve("k8s-free-deploy");
  private static final Pattern PROPERTY = Pattern.compile("^#?([a-z][a-z0-9-]*)=(.*)$");
  private static final Pattern ENV = Pattern.compile("^#?(UPONE_[A-Z0-9_]+)=(.*)$");

  @TempDir Path tmp;

  @Test
  void unitsPassSystemdAnalyzeVerify() throws Exception {
    for (String unit : List.of("upone.service", "upone-agent.service")) {
      String text = Files.readString(KIT.resolve(unit));
      // The units name Debian's /usr/bin/java; on a build host with java elsewhere verify the same unit with that path.
      if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
        text = text.replace("/usr/bin/java", ProcessHandle.current().info().command().orElseThrow());
      }
      Path copy = tmp.resolve(unit);
      Files.writeString(copy, text);
      Run r = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()), "systemd");
      assertEquals(0, r.code, unit + ": " + r.output);
      // verify exits 0 on unknown keys and bad values: its warnings name the file
      List<String> aboutUnit = r.output.lines().filter(l -> l.contains(unit)).toList();
      assertTrue(aboutUnit.isEmpty(), unit + " has problems:\n" + String.join("\n", aboutUnit));
    }
  }

  @Test
  void agentUnitLeavesTasksToTheAgentAndKeepsItsSandbox() throws Exception {
    String unit = Files.readString(KIT.resolve("upone-agent.service"));
    assertTrue(unit.contains("\nKillMode=process\n"), "the agent signals its tasks' process groups itself");
    assertTrue(unit.contains("\nStateDirectory=upone-agent\n"));
    assertTrue(unit.contains("--work-dir /var/lib/upone-agent"));
    assertTrue(unit.contains("\nTasksMax="));
    String server = Files.readString(KIT.resolve("upone.service"));
    assertTrue(server.contains("\nStateDirectory=upone\n"));
  }

  @Test
  void keepalivedAcceptsTheConfig() throws Exception {
    // keepalived refuses a track script it cannot run safely: give it the check script in a root-owned dir
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Path check = bin.resolve("upone-vip-check");
    Files.copy(KIT.resolve("upone-vip-check.sh"), check);
    Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwxr-xr-x"));
    String conf = Files.readString(KIT.resolve("keepalived.conf.example"));
    assertTrue(conf.contains("/usr/local/lib/upone/upone-vip-check health"));
    assertTrue(conf.contains("/usr/local/lib/upone/upone-vip-check leader"));
    // the example's eth0 may not exist here; keepalived -t checks the interface
    conf = conf.replace("/usr/local/lib/upone/upone-vip-check", check.toString())
        .replace("interface eth0", "interface " + someInterface());
    Path file = tmp.resolve("keepalived.conf");
    Files.writeString(file, conf);
    Run r = run(List.of("keepalived", "-t", "-l", "-f", file.toString()), "keepalived");
    assertEquals(0, r.code, "keepalived -t: " + r.output);
  }

  @Test
  void vipCheckFollowsTheNodesHealthAndLeadership() throws Exception {
    String script = KIT.resolve("upone-vip-check.sh").toString();
    try (TestNode node = TestNode.single(tmp.resolve("node")).startReady()) {
      Map<String, String> env = Map.of("UPONE_URL", node.url());
      assertEquals(0, run(List.of("sh", script, "health"), "curl", env).code);
      assertEquals(0, run(List.of("sh", script, "leader"), "curl", env).code, "a single node leads");
      node.stop();
      assertEquals(1, run(List.of("sh", script, "health"), "curl", env).code, "a stopped node may not hold the VIP");
      assertEquals(1, run(List.of("sh", script, "leader"), "curl", env).code);
    }
  }

  @Test
  void everyShellScriptPassesShellcheck() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x"));
    for (Path dir : List.of(KIT, ROOT.resolve("scripts"), ROOT.resolve(".ci"))) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(DeployKitTest::isShellScript).sorted().forEach(p -> cmd.add(p.toString()));
      }
    }
    assertTrue(cmd.size() > 6, "found the scripts: " + cmd);
    Run r = run(cmd, "shellcheck");
    assertEquals(0, r.code, r.output);
  }

  @Test
  void propertiesExampleListsEverySettingAndTheServerAcceptsEachOne() throws Exception {
    Path file = KIT.resolve("upone.properties.example");
    Map<String, String> commented = new LinkedHashMap<>();
    Set<String> listed = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      Matcher m = PROPERTY.matcher(line.trim());
      if (!m.matches()) continue;
      listed.add(m.group(1));
      if (line.startsWith("#")) commented.put(m.group(1), m.group(2));
    }
    assertEquals(new TreeSet<>(ConfigSources.KEYS), listed, "the example lists every key the server reads, no other");
    ServerConfig active = ConfigSources.resolve(file, Map.of(), Map.of());
    assertEquals(3, active.peers().size());
    assertEquals(Path.of("/var/lib/upone"), active.dataDir());
    // each commented example value, switched on alone, is one the server takes
    commented.forEach((k, v) -> ConfigSources.resolve(file, Map.of(), Map.of(k, v)));
  }

  @Test
  void envExampleListsEveryVariableAndTheServerAcceptsEachOne() throws Exception {
    Path env = KIT.resolve("upone.env");
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : Files.readAllLines(env)) {
      Matcher m = ENV.matcher(line.trim());
      if (m.matches()) vars.put(m.group(1), m.group(2));
    }
    Set<String> keys = new TreeSet<>();
    vars.keySet().forEach(n -> keys.add(n.substring("UPONE_".length()).toLowerCase().replace('_', '-')));
    assertEquals(new TreeSet<>(ConfigSources.KEYS), keys, "upone.env lists every UPONE_ variable the server reads");
    Path props = KIT.resolve("upone.properties.example");
    vars.forEach((name, value) -> ConfigSources.resolve(props, Map.of(name, value), Map.of()));
    // and they do take effect (a misspelt name would be ignored silently)
    assertEquals(Path.of("/srv/x"), ConfigSources.resolve(props, Map.of("UPONE_DATA_DIR", "/srv/x"), Map.of()).dataDir());
    assertTrue(Files.readString(env).lines().anyMatch(l -> l.startsWith("JAVA_OPTS=")));
  }

  @Test
  void everyServerFlagIsASettingOfTheFiles() {
    CommandLine cl = new CommandLine(new Main.Server());
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      String name = o.longestName();
      if (Set.of("--config", "--help", "--version").contains(name)) continue;
      assertTrue(ConfigSources.KEYS.contains(name.substring(2)), name + " is a flag but not a key of the config files");
    }
  }

  @Test
  void agentEnvHoldsFlagsTheAgentCommandTakes() throws Exception {
    String args = Files.readAllLines(KIT.resolve("upone-agent.env")).stream()
        .filter(l -> l.startsWith("UPONE_AGENT_ARGS=")).findFirst().orElseThrow()
        .substring("UPONE_AGENT_ARGS=".length());
    List<String> argv = new ArrayList<>(List.of("--work-dir", "/var/lib/upone-agent"));
    argv.addAll(List.of(args.trim().split("\\s+")));
    Main.AgentCommand agent = new Main.AgentCommand();
    new CommandLine(agent).parseArgs(argv.toArray(String[]::new));
    assertFalse(agent.master.isBlank());
    AgentConfig.parseAttributes(agent.attributes);
    if (agent.resources != null) Resources.parse(agent.resources);
  }

  private static boolean isShellScript(Path p) {
    if (p.toString().endsWith(".sh")) return true;
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) return false;
    try {
      String first = Files.readAllLines(p).stream().findFirst().orElse("");
      return first.startsWith("#!") && first.contains("sh");
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static String someInterface() throws IOException {
    try (Stream<Path> nets = Files.list(Path.of("/sys/class/net"))) {
      return nets.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lo")).sorted().findFirst()
          .orElseThrow(() -> new AssertionError("keepalived -t needs a network interface other than lo"));
    }
  }

  private record Run(int code, String output) {}

  private static Run run(List<String> cmd, String debianPackage) throws Exception {
    return run(cmd, debianPackage, Map.of());
  }

  private static Run run(List<String> cmd, String debianPackage, Map<String, String> env) throws Exception {
    Process p;
    try {
      ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
      b.environment().putAll(env);
      p = b.start();
    } catch (IOException e) {
      return fail(cmd.get(0) + " is not installed: apt-get install " + debianPackage + " (.ci/run does)");
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd + " did not finish");
    }
    return new Run(p.exitValue(), out);
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("k8s-free-deploy"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("run from inside the repository");
    return p;
  }
}
