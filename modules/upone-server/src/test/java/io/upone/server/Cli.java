package io.upone.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs the {@code upone} command line as the jar does (Main with the subcommands found through
 * ServiceLoader): in this JVM with captured output, or as a separate process with its own
 * environment, for what only a process has (environment variables, signals, exit status).
 */
final class Cli {
  private Cli() {}

  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.withExtras(new CommandLine(new Main()));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** The command against {@code url}: {@code --url} goes last so any subcommand takes it. */
  static Result at(String url, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--url";
    all[args.length + 1] = url;
    return run(all);
  }

  /** A file holding {@code json}, for {@code -f}. */
  static String file(Path dir, String name, String json) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    return f.toString();
  }

  /** {@code java ... io.upone.server.Main args} with this test's class path and {@code env} added. */
  static ProcessBuilder process(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "io.upone.server.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("UPONE_URL");
    pb.environment().remove("UPONE_TOKEN");
    pb.environment().remove("UPONE_CONFIG");
    pb.environment().remove("XDG_CONFIG_HOME");
    pb.environment().putAll(env);
    return pb;
  }

  static Result exec(Map<String, String> env, String... args) throws Exception {
    Process p = process(env, args).start();
    p.getOutputStream().close();
    // both pipes are small for these commands; read them after the exit
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("upone " + String.join(" ", args) + " did not end");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()), new String(p.getErrorStream().readAllBytes()));
  }
}
