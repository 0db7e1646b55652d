package io.upone.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A 3-member upone group whose members are separate JVMs, each in a network namespace of its
 * own, joined by veth pairs to a bridge in the test's namespace on a private 10.231.x.0/24.
 * The test (and the agents it runs) sits on the bridge at .254 and reaches every member; a
 * member is cut off from the two others by DROP rules inside its own namespace, so its clients
 * (agents, the test) still reach it: the classic partition in which a leader keeps believing it
 * leads. Everything it creates carries a random id and is removed by {@link #close()}.
 *
 * <p>Where namespaces cannot be made (not root, no iproute2/iptables), the same group runs on
 * loopback and {@link #isolate} freezes the member with SIGSTOP instead (a "pause partition":
 * like a long GC pause, it wakes up after {@link #heal} believing it still leads); then no one
 * reaches it while it is cut off.
 */
final class NetnsGroup implements AutoCloseable {
  static final int HTTP_PORT = 18080;
  static final int RAFT_PORT = 17070;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String id = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xefff));
  /** The command-line marker of the member JVMs (for {@link Procs#cleanUp}). */
  final String marker = "upone-netns-" + id;
  final String subnet;
  /** False: the members run on loopback and a partition is a SIGSTOP (see the class comment). */
  final boolean netns;
  private final int[] httpPorts = new int[3];
  private final int[] raftPorts = new int[3];
  private final Path dir;
  private final List<Process> members = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> cut = new ArrayList<>(); // iptables rules in place: "ns|rule..."
  private boolean bridge;

  NetnsGroup(Path dir, boolean netns) throws Exception {
    this.dir = dir;
    this.netns = netns;
    String s = "127.0.0";
    if (netns) {
      String addrs = run("ip", "-4", "-o", "addr");
      do {
        s = "10.231." + (1 + ThreadLocalRandom.current().nextInt(250));
      } while (addrs.contains(s + "."));
    }
    subnet = s;
    for (int i = 0; i < 3; i++) {
      // in namespaces every member has the same ports on an address of its own
      httpPorts[i] = netns ? HTTP_PORT : lowFreePort();
      raftPorts[i] = netns ? RAFT_PORT : lowFreePort();
    }
  }

  /** A free loopback port below the kernel's ephemeral range (32768 on). */
  private static int lowFreePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port below 32768");
  }

  /** Whether this machine lets the test create namespaces, veth pairs and a bridge (root, iproute2, iptables). */
  static String unsupported() {
    try {
      String ns = "upn-probe-" + ProcessHandle.current().pid();
      run("ip", "netns", "add", ns);
      try {
        run("ip", "netns", "exec", ns, "iptables", "-S");
      } finally {
        run("ip", "netns", "del", ns);
      }
      return null;
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  String bridgeName() {
    return "upb" + id;
  }

  /** The address of the test (and its agents) on the bridge. */
  String hostIp() {
    return netns ? subnet + ".254" : "127.0.0.1";
  }

  String ip(int member) {
    return netns ? subnet + "." + (member + 1) : "127.0.0.1";
  }

  String url(int member) {
    return "http://" + ip(member) + ":" + httpPorts[member];
  }

  String raft(int member) {
    return ip(member) + ":" + raftPorts[member];
  }

  String masters() {
    return url(0) + "," + url(1) + "," + url(2);
  }

  /** The bridge, three namespaces and their links, then the three member JVMs. */
  void start() throws Exception {
    Files.createDirectories(dir);
    if (netns) links();
    String peers = String.join(",", List.of(0, 1, 2).stream().map(i -> raft(i) + "/" + httpPorts[i]).toList());
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < 3; i++) {
      List<String> cmd = new ArrayList<>();
      if (netns) cmd.addAll(List.of("ip", "netns", "exec", namespaces.get(i)));
      cmd.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dcom.google.protobuf.use_unsafe_pre22_gencode", "-Dupone.test=" + marker,
          "-cp", System.getProperty("java.class.path"), "io.upone.server.Main", "server",
          "--data-dir", dir.resolve("n" + i).toString(), "--http-host", netns ? "0.0.0.0" : "127.0.0.1",
          "--http-port", String.valueOf(httpPorts[i]), "--raft", raft(i), "--peers", peers));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(i).toFile());
      // agents heartbeat every 200 ms, so they find the new leader quickly
      pb.environment().put("UPONE_HEARTBEAT_MS", "200");
      members.add(pb.start());
    }
  }

  private void links() throws Exception {
    run("ip", "link", "add", bridgeName(), "type", "bridge");
    bridge = true;
    run("ip", "addr", "add", hostIp() + "/24", "dev", bridgeName());
    run("ip", "link", "set", bridgeName(), "up");
    for (int i = 0; i < 3; i++) {
      String ns = "upn" + id + "-" + i;
      run("ip", "netns", "add", ns);
      namespaces.add(ns);
      String outside = "upv" + id + i;
      String inside = "upw" + id + i;
      // the veth pair dies with the namespace that holds one end
      run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
      run("ip", "link", "set", inside, "netns", ns);
      run("ip", "link", "set", outside, "master", bridgeName());
      run("ip", "link", "set", outside, "up");
      run("ip", "-n", ns, "addr", "add", ip(i) + "/24", "dev", inside);
      run("ip", "-n", ns, "link", "set", inside, "up");
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
  }

  Path log(int member) {
    return dir.resolve("n" + member + ".log");
  }

  /** The end of each member's log, for a failure message. */
  String logs() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      try {
        List<String> lines = Files.readAllLines(log(i), StandardCharsets.UTF_8);
        out.append("\n--- member ").append(i).append(" (").append(ip(i)).append(")\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
      } catch (IOException e) {
        out.append("\n--- member ").append(i).append(": no log (").append(e.getMessage()).append(")");
      }
    }
    return out.toString();
  }

  /** Cuts {@code member} off from the two others, both ways; the bridge's host (.254) still reaches it. */
  void isolate(int member) throws Exception {
    if (!netns) {
      run("kill", "-STOP", Long.toString(members.get(member).pid()));
      cut.add("pause|" + member);
      return;
    }
    String ns = namespaces.get(member);
    for (int other = 0; other < 3; other++) {
      if (other == member) continue;
      for (String rule : List.of("INPUT -s " + ip(other) + " -j DROP", "OUTPUT -d " + ip(other) + " -j DROP")) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iptables", "-I"));
        cmd.addAll(List.of(rule.split(" ")));
        run(cmd.toArray(String[]::new));
        cut.add(ns + "|" + rule);
      }
    }
  }

  /** Removes every DROP rule {@link #isolate} put in place. */
  void heal() throws Exception {
    while (!cut.isEmpty()) {
      String[] nsRule = cut.get(cut.size() - 1).split("\\|");
      if (nsRule[0].equals("pause")) {
        run("kill", "-CONT", Long.toString(members.get(Integer.parseInt(nsRule[1])).pid()));
        cut.remove(cut.size() - 1);
        continue;
      }
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsRule[0], "iptables", "-D"));
      cmd.addAll(List.of(nsRule[1].split(" ")));
      run(cmd.toArray(String[]::new));
      cut.remove(cut.size() - 1);
    }
  }

  /** A member's answer, or status -1 when it cannot be reached within a few seconds. */
  static TestNode.Resp call(String base, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new TestNode.Resp(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      return new TestNode.Resp(-1, e.toString(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  TestNode.Resp call(int member, String method, String path, String body) {
    return call(url(member), method, path, body);
  }

  /** Ends the member JVMs, then the namespaces (and their iptables rules and veth pairs), then the bridge. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    for (Process p : members) {
      if (!netns) new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
    for (Process p : members) p.waitFor(30, TimeUnit.SECONDS);
    try {
      Procs.cleanUp(marker);
    } catch (Exception | AssertionError e) {
      first = new Exception("member processes left: " + e.getMessage());
    }
    for (String ns : namespaces) {
      try {
        run("ip", "netns", "del", ns);
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    namespaces.clear();
    cut.clear();
    if (bridge) {
      try {
        run("ip", "link", "del", bridgeName());
        bridge = false;
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first != null) throw first;
  }

  /** Runs one command to its end; its output, or an exception that quotes it. */
  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": did not end");
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.trim());
    return out;
  }
}
