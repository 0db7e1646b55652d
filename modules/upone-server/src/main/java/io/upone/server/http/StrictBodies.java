package io.upone.server.http;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.json.AppJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bodies are UTF-8 or refused: decoding leniently would store U+FFFD where the client sent
 * something else, and the client would never learn it. A body sent as JSON must also be strict
 * JSON (no key twice, nothing after the value) whichever resource reads it, so no route falls
 * back to a lenient parser's "last key wins".
 */
public final class StrictBodies {
  /** Routes whose body is text whatever its Content-Type says (the CLI sends Lua sources as JSON's type). */
  private static final java.util.regex.Pattern TEXT_BODY = java.util.regex.Pattern.compile("^/v1/zones/[^/]+/lua/[^/]+$");

  private StrictBodies() {}

  /** A route handler after the body handler. */
  public static void check(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b == null || b.length() == 0) {
      ctx.next();
      return;
    }
    String text = utf8(b);
    if (text == null) {
      Problems.send(ctx.response(), new Problem(Problem.Kind.INVALID, "invalid_utf8", "request body is not valid UTF-8",
          List.of(new FieldError("body", "must be valid UTF-8"))));
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json") && !text.isBlank()
        && !TEXT_BODY.matcher(ctx.request().path()).matches()) {
      try {
        AppJson.parse(text);
      } catch (Problem.Failure f) {
        Problems.send(ctx.response(), f.problem());
        return;
      }
    }
    ctx.next();
  }

  /** The text of {@code b}, or null when it is not valid UTF-8. */
  static String utf8(Buffer b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.getByteBuf().nioBuffer()).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
