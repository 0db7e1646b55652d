package io.upone.server.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code upone.alerts.queued} (messages grouping or waiting to be sent), {@code upone.alerts.sent}
 * (messages Slack accepted) and {@code upone.alerts.dropped} (alerts given up: queue full, or a
 * webhook that refuses them); Prometheus: {@code upone_alerts_queued}, {@code upone_alerts_sent_total},
 * {@code upone_alerts_dropped_total}.
 */
final class AlertMeters {
  final AtomicInteger queued = new AtomicInteger();
  final Counter sent;
  final Counter dropped;

  AlertMeters(MeterRegistry registry) {
    Gauge.builder("upone.alerts.queued", queued, AtomicInteger::get)
        .description("alert messages grouping or waiting to be sent").register(registry);
    sent = Counter.builder("upone.alerts.sent").description("alert messages Slack accepted").register(registry);
    dropped = Counter.builder("upone.alerts.dropped").description("alerts given up (queue full or refused)").register(registry);
  }
}
