package io.upone.core.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand of {@code java -jar upone.jar} that a module contributes without the server
 * depending on it: listed in {@code META-INF/services/io.upone.core.cli.Subcommand}, found at run
 * time with {@link java.util.ServiceLoader}. The implementing class carries picocli's
 * {@code @Command} (its name is the subcommand's); {@code call()} returns the exit code.
 */
public interface Subcommand extends Callable<Integer> {}
