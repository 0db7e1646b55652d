package io.upone.cli;

/** The CLI's exit codes (documented in src-docs/cli.md). */
final class Exit {
  static final int OK = 0;
  /** The API answered with a problem (4xx or 5xx); the problem is printed. */
  static final int REFUSED = 1;
  /** The command line is wrong (picocli's code for invalid input), or a file cannot be read. */
  static final int USAGE = 2;
  /** No answer from the server: connection refused, timed out, or a stream broke. */
  static final int UNREACHABLE = 3;

  private Exit() {}
}
