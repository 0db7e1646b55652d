package io.upone.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The alerting meters, registered when the node starts (so the names exist before the first
 * alert): messages waiting to be sent, sent, dropped by reason. The alerting verticle is handed
 * this object and reports through it.
 */
public final class AlertMetrics {
  /** Reasons a message is dropped, as the {@code reason} label. */
  public static final String DEDUPED = "deduped";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String FAILED = "failed";
  public static final String QUEUE_FULL = "queue_full";

  private final MeterRegistry registry;
  private final AtomicInteger queued = new AtomicInteger();
  private final Counter sent;

  public AlertMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("upone_alerts_queued", queued, AtomicInteger::get).strongReference(true).description("alert messages waiting to be sent")
        .register(registry);
    sent = Counter.builder("upone_alerts_sent").description("alert messages the receiver accepted").register(registry);
    for (String r : new String[] {DEDUPED, RATE_LIMITED, FAILED, QUEUE_FULL}) dropped(r, 0);
  }

  /** How many alert messages wait to be sent now. */
  public void queued(int n) {
    queued.set(n);
  }

  /** One message accepted by its receiver (e.g. Slack answered 200). */
  public void sent() {
    sent.increment();
  }

  /** One message not sent, and why: {@link #DEDUPED}, {@link #RATE_LIMITED}, {@link #FAILED}, {@link #QUEUE_FULL}. */
  public void dropped(String reason) {
    dropped(reason, 1);
  }

  private void dropped(String reason, double n) {
    Counter.builder("upone_alerts_dropped").tag("reason", reason).description("alert messages not sent, by reason")
        .register(registry).increment(n);
  }
}
