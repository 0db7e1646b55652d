package io.upone.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import io.upone.eventlog.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How every resource writes: on the leader (forwarded there otherwise), decide against the
 * projection, append, answer once the events are committed and applied.
 */
public final class LeaderWrites {
  private final EventLog log;
  private final LeaderForwarder forwarder;

  public LeaderWrites(EventLog log, LeaderForwarder forwarder) {
    this.log = log;
    this.forwarder = forwarder;
  }

  /**
   * Runs a write here if this node leads, else forwards it. {@code retryOnStale}: a write that
   * did not name a version lost a race with another write; decide again once on the new state.
   */
  public void run(RoutingContext ctx, Function<State, Proposal> decide, Consumer<List<Event>> respond,
                  BooleanSupplier retryOnStale) {
    if (!log.isLeader()) {
      forwarder.forward(ctx);
      return;
    }
    attempt(ctx, decide).onSuccess(respond::accept).onFailure(t -> {
      if (stale(t) && retryOnStale.getAsBoolean()) {
        attempt(ctx, decide).onSuccess(respond::accept).onFailure(t2 -> Problems.send(ctx.response(), t2));
      } else {
        Problems.send(ctx.response(), t);
      }
    });
  }

  private Future<List<Event>> attempt(RoutingContext ctx, Function<State, Proposal> decide) {
    Proposal p;
    try {
      p = decide.apply(log.view());
    } catch (Problem.Failure f) {
      return Future.failedFuture(f);
    }
    Context context = ctx.vertx().getOrCreateContext();
    return Future.fromCompletionStage(log.append(p), context);
  }

  private static boolean stale(Throwable t) {
    return Problem.of(t).filter(p -> p.code().equals("stale_version")).isPresent();
  }

  public static void json(RoutingContext ctx, int status, JsonNode body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
  }

  /** Answers with the index of the last event written, so a client can read its own write anywhere. */
  public static void json(RoutingContext ctx, int status, JsonNode body, List<Event> events) {
    if (!events.isEmpty()) {
      ctx.response().putHeader("X-Upone-Event-Index", String.valueOf(events.get(events.size() - 1).getIndex()));
    }
    json(ctx, status, body);
  }
}
