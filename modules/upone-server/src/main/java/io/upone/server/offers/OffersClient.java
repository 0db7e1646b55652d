package io.upone.server.offers;

import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.placement.PlacementResult;
import io.upone.server.bus.Addresses;
import io.upone.server.bus.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The placement questions the API asks the offers verticle (on the leader). */
public final class OffersClient {
  /** A question to the offers verticle. */
  public sealed interface Query {}

  record WhyPending(String appId) implements Query {}

  record WhatIf(AppSpec app) implements Query {}

  private final Vertx vertx;
  private final DeliveryOptions opts;

  public OffersClient(Vertx vertx) {
    this.vertx = vertx;
    this.opts = LocalCodec.options(vertx, OfferVerticle.CODEC);
  }

  /** Why an app is pending: its last placement report and what is still missing. */
  public Future<PlacementStatus> whyPending(String appId) {
    return ask(new WhyPending(appId));
  }

  /** Where {@code app}'s instances would go now, against every agent's free resources; writes nothing. */
  public Future<PlacementResult> whatIf(AppSpec app) {
    return ask(new WhatIf(app));
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> ask(Query q) {
    return vertx.eventBus().request(Addresses.OFFERS_QUERIES, q, opts).compose(m ->
        m.body() instanceof Problem p ? Future.failedFuture(p.asFailure()) : Future.succeededFuture((T) m.body()));
  }
}
