package io.upone.cli;

import io.upone.core.cli.Subcommand;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code upone completion}: a bash (and zsh, via bashcompinit) completion script for every command. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash and zsh.", "Use: source <(upone completion)"})
public final class CompletionCommand implements Subcommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return Exit.OK;
  }
}
