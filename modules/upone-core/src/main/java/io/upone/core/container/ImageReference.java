package io.upone.core.container;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar of a container image reference ({@code [registry[:port]/]path[:tag][@digest]}) as
 * the Docker engine parses it: lowercase path components joined by '.', '_', '__' or dashes; a
 * tag of at most 128 word characters, dots and dashes; a digest {@code algorithm:hex}. Checked at
 * the API so that a typo is a 400 naming the field, not a task that fails on every agent.
 */
public final class ImageReference {
  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN = DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*(?::[0-9]+)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE = Pattern.compile(
      "^(?<name>(?:" + DOMAIN + "/)?" + COMPONENT + "(?:/" + COMPONENT + ")*)(?::" + TAG + ")?(?:@" + DIGEST + ")?$");
  private static final int MAX_NAME = 255;

  private ImageReference() {}

  /** Why {@code ref} is not a valid image reference, or empty when it is. */
  public static Optional<String> problem(String ref) {
    if (ref.isBlank()) return Optional.of("must not be blank");
    var m = REFERENCE.matcher(ref);
    if (!m.matches()) {
      return Optional.of("'" + ref + "' is not a valid image reference: use [registry[:port]/]name[:tag][@digest],"
          + " with a lowercase name");
    }
    if (m.group("name").length() > MAX_NAME) return Optional.of("the repository name is longer than " + MAX_NAME + " characters");
    return Optional.empty();
  }
}
