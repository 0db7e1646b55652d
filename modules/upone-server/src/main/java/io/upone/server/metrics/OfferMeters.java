package io.upone.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.upone.core.driver.Offer;
import io.upone.server.bus.Addresses;
import io.upone.server.driver.DriverCommand;
import io.upone.server.driver.DriverEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Offers in, declined and launched on, and the placement latency (offers reach the scheduler →
 * the launch on one of them is sent to the driver: placement plus the {@code TaskLaunched}
 * commit), read off the local bus between the driver and the offers verticle as messages are
 * sent, so neither verticle carries metrics code.
 */
public final class OfferMeters {
  /** Offers that got no answer yet; past this many the oldest are forgotten (the driver rescinds them anyway). */
  private static final int MAX_OPEN = 100_000;
  private final Counter received;
  private final Counter declined;
  private final Counter launched;
  private final Timer placement;
  private final Map<String, Long> open = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
      return size() > MAX_OPEN;
    }
  };

  private OfferMeters(MeterRegistry registry) {
    received = Counter.builder("upone_offers_received").description("offers the driver handed to the scheduler").register(registry);
    declined = Counter.builder("upone_offers_declined").description("offers declined (no demand, or nothing placed on them)")
        .register(registry);
    launched = Counter.builder("upone_offers_launched").description("offers used for launches").register(registry);
    placement = Timer.builder("upone_placement_latency").description("offer received -> launch sent (placement + TaskLaunched commit)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** Watches {@code vertx}'s bus from now on. */
  public static OfferMeters watch(Vertx vertx, MeterRegistry registry) {
    OfferMeters m = new OfferMeters(registry);
    vertx.eventBus().addOutboundInterceptor(m::sent);
    return m;
  }

  private void sent(DeliveryContext<Object> ctx) {
    try {
      String address = ctx.message().address();
      if (Addresses.DRIVER_OFFERS.equals(address) && ctx.body() instanceof DriverEvent.Offers o) {
        offered(o);
      } else if (Addresses.DRIVER_COMMANDS.equals(address)) {
        Object body = ctx.body();
        if (body instanceof DriverCommand.Decline d) answered(d.offerId(), false);
        else if (body instanceof DriverCommand.Launch l) answered(l.offerId(), true);
      }
    } finally {
      ctx.next();
    }
  }

  private void offered(DriverEvent.Offers batch) {
    received.increment(batch.offers().size());
    long now = System.nanoTime();
    synchronized (open) {
      for (Offer o : batch.offers()) open.put(o.offerId(), now);
    }
  }

  private void answered(String offerId, boolean launch) {
    Long at;
    synchronized (open) {
      at = open.remove(offerId);
    }
    if (!launch) {
      declined.increment();
      return;
    }
    launched.increment();
    if (at != null) placement.record(System.nanoTime() - at, TimeUnit.NANOSECONDS);
  }
}
