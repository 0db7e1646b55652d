package io.upone.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One command that talks to the API. It turns what went wrong into the documented exit codes:
 * 0 ok, 1 the API refused (its problem printed), 2 usage (picocli, or an unreadable file),
 * 3 the server could not be reached.
 */
abstract class ApiCommand implements Callable<Integer> {
  @Mixin ClientOptions opts;
  @Spec CommandSpec spec;
  private Api api;

  /** Does the work; returns the exit code (normally 0). */
  abstract int run() throws Exception;

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } catch (ApiRefused r) {
      PrintWriter err = err();
      err.println("upone: " + r.getMessage() + " [" + r.code + ", " + r.status + " on " + r.request + "]");
      for (String[] e : r.errors) err.println("  " + (e[0].isEmpty() ? "" : e[0] + ": ") + e[1]);
      if (r.noSuchRoute()) {
        err.println("upone: this server has no route for '" + spec.qualifiedName(" ").replaceFirst("^\\S+ ", "")
            + "' yet");
      }
      err.flush();
      return Exit.REFUSED;
    } catch (Unreachable u) {
      err().println("upone: cannot reach " + u.url + ": " + u.getMessage()
          + " (set --url, UPONE_URL or url= in ~/.config/upone/config)");
      err().flush();
      return Exit.UNREACHABLE;
    } catch (UsageProblem u) {
      err().println("upone: " + u.getMessage());
      err().flush();
      return Exit.USAGE;
    }
  }

  Api api() {
    if (api == null) {
      Target t;
      try {
        t = Target.resolve(opts.url, System.getenv(), System.getProperty("user.home"));
      } catch (IllegalArgumentException e) {
        throw new UsageProblem(e.getMessage());
      }
      api = new Api(t.url(), opts.token != null && !opts.token.isBlank() ? opts.token.strip() : t.token());
    }
    return api;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Instant now() {
    return Instant.now();
  }

  boolean table() {
    return opts.output == ClientOptions.Format.table;
  }

  /** Prints {@code body} as JSON or YAML when asked; else runs the table printer. */
  void emit(JsonNode body, Runnable asTable) {
    PrintWriter out = out();
    switch (opts.output) {
      case json -> {
        try {
          out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      case yaml -> out.print(Yaml.of(body));
      case table -> asTable.run();
    }
    out.flush();
  }

  /** The body of {@code -f FILE} ({@code -} reads standard input), checked to be JSON. */
  static String readJsonFile(String file) {
    String text;
    try {
      text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new UsageProblem("no such file: " + file);
    } catch (IOException e) {
      throw new UsageProblem("cannot read " + file + ": " + e.getMessage());
    }
    try {
      Api.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UsageProblem(file + " is not JSON: " + e.getOriginalMessage());
    }
    return text;
  }

  /** Bad input found before any request (an unreadable file): exit 2. */
  static final class UsageProblem extends RuntimeException {
    UsageProblem(String message) {
      super(message);
    }
  }
}
