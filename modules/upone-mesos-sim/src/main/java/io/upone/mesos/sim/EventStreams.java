package io.upone.mesos.sim;

import io.upone.mesos.MesosCodec;
import io.upone.mesos.RecordIo;
import io.vertx.core.http.HttpServerResponse;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Writes events onto the frameworks' subscription streams, RecordIO-framed in each stream's encoding. */
final class EventStreams {
  private final SimCluster cluster;

  EventStreams(SimCluster cluster) {
    this.cluster = cluster;
  }

  /** Sends an event to a connected framework; counts status updates. Dropped when it is not connected. */
  void send(SimFramework f, Event e) {
    if (f.stream == null || !f.connected) return;
    if (e.getType() == Event.Type.UPDATE) cluster.updatesSent.incrementAndGet();
    write(f.stream, f.codec, e);
  }

  static void write(HttpServerResponse stream, MesosCodec codec, Event e) {
    if (stream.ended() || stream.closed()) return;
    stream.write(RecordIo.frame(codec.encode(e)));
  }

  void heartbeat() {
    Event hb = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    for (SimFramework f : cluster.frameworks.values()) send(f, hb);
  }
}
