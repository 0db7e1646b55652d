package io.upone.core;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Environment variable names, as POSIX shells accept them: an ASCII letter or '_', then ASCII
 * letters, digits and '_'. Apps and jobs check their {@code env} with this one rule, so a name
 * one accepts the other cannot refuse.
 */
public final class EnvNames {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  public static final int MAX_LENGTH = 255;

  private EnvNames() {}

  public static boolean valid(String name) {
    return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
  }

  /** Adds an error on {@code <prefix>.<name>} for every invalid name, in sorted order. */
  public static void check(Collection<String> names, String prefix, List<FieldError> errors) {
    names.stream().filter(k -> !valid(k)).sorted()
        .forEach(k -> errors.add(new FieldError(prefix + "." + k, "must be a valid environment variable name "
            + "(ASCII letters, digits and '_', not starting with a digit, at most " + MAX_LENGTH + " characters)")));
  }
}
