package io.upone.cli;

/** No answer from the server at all (refused, timed out, broken stream): exit 3. */
final class Unreachable extends RuntimeException {
  final String url;

  Unreachable(String url, String why) {
    super(why);
    this.url = url;
  }
}
