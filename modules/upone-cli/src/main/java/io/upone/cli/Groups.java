package io.upone.cli;

import picocli.CommandLine.Model.CommandSpec;

/** A command group run without a subcommand: its usage, exit 2. */
final class Groups {
  private Groups() {}

  static int usage(CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().flush();
    return Exit.USAGE;
  }
}
