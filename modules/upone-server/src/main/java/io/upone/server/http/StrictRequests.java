package io.upone.server.http;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Requests are matched as they are sent. Before the router sees a request: its path must be
 * plain ASCII with well-formed percent-escapes of valid UTF-8 and no {@code .}, {@code ..} or
 * empty segments (the router would fold them, so {@code DELETE /v1/tasks/../apps/x} would reach
 * the app); its query must decode the same way and name each parameter once (which of two
 * values counts is not something a client should have to guess). Requests the HTTP decoder
 * could not read at all (an over-long URI, headers) get the same JSON problems as the rest.
 */
public final class StrictRequests {
  private StrictRequests() {}

  /** The problem with this request's URI, if any. */
  public static Optional<Problem> problem(HttpServerRequest req) {
    String uri = req.uri();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return invalid("uri", "must be ASCII; percent-encode other characters (found U+"
            + String.format("%04X", (int) c) + " at position " + i + ")");
      }
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) { // absolute-form, as a proxy sends it
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    if (!path.startsWith("/")) return invalid("path", "must start with '/'");
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String decoded;
      try {
        decoded = decode(segments[i], false);
      } catch (IllegalArgumentException e) {
        return invalid("path", e.getMessage());
      }
      if (decoded.equals(".") || decoded.equals("..")) {
        return invalid("path", "must not contain '.' or '..' segments (paths are matched as sent)");
      }
      // a trailing '/' is allowed; '//' inside a path is not folded into one
      if (decoded.isEmpty() && i < segments.length - 1) return invalid("path", "must not contain empty segments ('//')");
    }
    if (query == null || query.isEmpty()) return Optional.empty();
    Set<String> names = new HashSet<>();
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name;
      try {
        name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
        if (eq >= 0) decode(pair.substring(eq + 1), true);
      } catch (IllegalArgumentException e) {
        String raw = eq < 0 ? pair : pair.substring(0, eq);
        return invalid(raw.contains("%") ? "query" : raw, e.getMessage());
      }
      if (!names.add(name)) return invalid(name, "is given more than once; give each query parameter once");
    }
    return Optional.empty();
  }

  /** Answers a request the HTTP decoder refused (the router never sees it), as JSON. */
  public static void invalidRequest(HttpServerRequest req, long maxUriChars) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status;
    Problem p;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      p = new Problem(Problem.Kind.INVALID, "uri_too_long", "the request line is longer than " + maxUriChars
          + " characters", List.of(new FieldError("uri", "must be at most " + maxUriChars + " characters")));
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      p = new Problem(Problem.Kind.INVALID, "headers_too_large", "the request headers are too large",
          List.of(new FieldError("headers", "are too large")));
    } else {
      status = 400;
      p = new Problem(Problem.Kind.INVALID, "malformed_request", "the request could not be read as HTTP: "
          + (cause == null ? "unknown error" : cause.getMessage()), List.of(new FieldError("request", "is not valid HTTP")));
    }
    JsonObject body = Problems.body(p);
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(body.encode());
  }

  /**
   * Strict percent-decoding: every '%' starts two hex digits and the bytes are valid UTF-8.
   * {@code plusIsSpace} for query strings (form encoding).
   */
  static String decode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0) return plusIsSpace ? s.replace('+', ' ') : s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0
            || s.charAt(i + 1) > 0x7f || s.charAt(i + 2) > 0x7f) {
          throw new IllegalArgumentException("has a malformed percent-escape at '" + s.substring(i, Math.min(s.length(), i + 3))
              + "' (use %XX with two hex digits; '%' itself is %25)");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(plusIsSpace && c == '+' ? ' ' : c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-escapes must encode valid UTF-8");
    }
  }

  private static Optional<Problem> invalid(String field, String reason) {
    return Optional.of(Problem.invalid(field, reason));
  }
}
