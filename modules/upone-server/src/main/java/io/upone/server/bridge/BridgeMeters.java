package io.upone.server.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The bridge's meters: connected clients per transport, refusals, clients cut off, events sent. */
public final class BridgeMeters {
  private final MeterRegistry registry;
  private final AtomicInteger tcp = new AtomicInteger();
  private final AtomicInteger sockJs = new AtomicInteger();
  private final Counter replayed;

  public BridgeMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("upone_bridge_clients", tcp, AtomicInteger::get).strongReference(true).tag("transport", "tcp")
        .description("clients connected to the event bus bridge").register(registry);
    Gauge.builder("upone_bridge_clients", sockJs, AtomicInteger::get).strongReference(true).tag("transport", "sockjs")
        .description("clients connected to the event bus bridge").register(registry);
    replayed = Counter.builder("upone_bridge_replay_events").description("events sent to bridge clients on their replay addresses")
        .register(registry);
    // registered now so that the catalogue's names exist before the first refusal
    refusedCounter("outbound_only");
    cutOffCounter("tcp");
    cutOffCounter("sockjs");
  }

  void connected(String transport) {
    clients(transport).incrementAndGet();
  }

  void disconnected(String transport) {
    clients(transport).decrementAndGet();
  }

  void refused(String code) {
    refusedCounter(code).increment();
  }

  void cutOff(String transport) {
    cutOffCounter(transport).increment();
  }

  void replayed() {
    replayed.increment();
  }

  private AtomicInteger clients(String transport) {
    return "tcp".equals(transport) ? tcp : sockJs;
  }

  private Counter refusedCounter(String code) {
    return Counter.builder("upone_bridge_refused").tag("code", code)
        .description("bridge frames refused (send/publish, foreign or bad registers, bad frames)").register(registry);
  }

  private Counter cutOffCounter(String transport) {
    return Counter.builder("upone_bridge_cut_off").tag("transport", transport)
        .description("bridge clients disconnected for falling behind").register(registry);
  }
}
