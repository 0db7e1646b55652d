package io.upone.server.http;

import io.upone.core.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bodies are UTF-8 or refused: decoding leniently would store U+FFFD where the client sent
 * something else, and the client would never learn it.
 */
public final class Utf8Bodies {
  private Utf8Bodies() {}

  /** A route handler after the body handler. */
  public static void check(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b != null && b.length() > 0 && !valid(b)) {
      Problems.send(ctx.response(), new Problem(Problem.Kind.INVALID, "invalid_utf8", "request body is not valid UTF-8",
          java.util.List.of(new io.upone.core.FieldError("body", "must be valid UTF-8"))));
      return;
    }
    ctx.next();
  }

  static boolean valid(Buffer b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.getByteBuf().nioBuffer());
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
