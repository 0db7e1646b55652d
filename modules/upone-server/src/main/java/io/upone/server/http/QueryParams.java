package io.upone.server.http;

import io.upone.core.Problem;
import io.vertx.ext.web.RoutingContext;

/**
 * Query parameters read strictly: integers in ASCII digits only (Java's parsers also take
 * Arabic-Indic and other Unicode digits), range-checked; booleans spelt true or false.
 */
public final class QueryParams {
  private QueryParams() {}

  /** An integer in [min, max], {@code dflt} when absent; a problem naming the parameter otherwise. */
  public static long integer(RoutingContext ctx, String name, long dflt, long min, long max) {
    String v = ctx.request().getParam(name);
    if (v == null) return dflt;
    return integer(name, v, min, max);
  }

  public static long integer(String name, String v, long min, long max) {
    String digits = v.startsWith("-") ? v.substring(1) : v;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw Problem.invalid(name, "must be an integer written in ASCII digits, from " + min + " to " + max).asFailure();
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException tooLong) {
      throw Problem.invalid(name, "must be from " + min + " to " + max).asFailure();
    }
    if (n < min || n > max) throw Problem.invalid(name, "must be from " + min + " to " + max).asFailure();
    return n;
  }

  public static boolean bool(RoutingContext ctx, String name, boolean dflt) {
    String v = ctx.request().getParam(name);
    if (v == null) return dflt;
    if (!v.equals("true") && !v.equals("false")) throw Problem.invalid(name, "must be true or false").asFailure();
    return v.equals("true");
  }
}
