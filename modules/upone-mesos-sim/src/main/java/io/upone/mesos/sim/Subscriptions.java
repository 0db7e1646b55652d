package io.upone.mesos.sim;

import io.upone.mesos.MesosCodec;
import io.upone.mesos.RecordIo;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frameworks subscribing, failing over to a new stream, disconnecting, and being removed after
 * their {@code failover_timeout} or a {@code TEARDOWN}.
 */
final class Subscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
  static final String STREAM_ID = "Mesos-Stream-Id";
  private final SimCluster cluster;
  private final StatusUpdates updates;
  private final Allocator allocator;
  private final Vertx vertx;

  Subscriptions(SimCluster cluster, StatusUpdates updates, Allocator allocator, Vertx vertx) {
    this.cluster = cluster;
    this.updates = updates;
    this.allocator = allocator;
    this.vertx = vertx;
  }

  /** Answers a valid SUBSCRIBE with the event stream, in the encoding the client accepts. */
  void subscribe(HttpServerRequest req, Call call, MesosCodec codec) {
    Protos.FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
    HttpServerResponse resp = req.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", codec.mediaType())
        .putHeader("Cache-Control", "no-cache");
    String id = info.hasId() ? info.getId().getValue() : "";
    if (!id.isEmpty() && cluster.isRemoved(id)) {
      resp.write(RecordIo.frame(codec.encode(error("Framework has been removed"))));
      resp.end();
      return;
    }
    SimFramework f = id.isEmpty() ? null : cluster.frameworks.get(id);
    if (f == null) {
      id = id.isEmpty() ? cluster.nextFrameworkId() : id;
      f = new SimFramework(id, info.toBuilder().setId(Protos.FrameworkID.newBuilder().setValue(id)).build());
      cluster.frameworks.put(id, f);
      LOG.info("framework {} ({}) subscribed", id, info.getName());
    } else {
      if (f.stream != null) {
        // another scheduler instance took over: the old stream is told and closed
        HttpServerResponse old = f.stream;
        EventStreams.write(old, f.codec, error("Framework failed over"));
        f.stream = null;
        old.end();
      }
      // as Master::_failoverFramework: offers the old instance held are taken back (not rescinded
      // to it), so the allocator offers them to the new one instead of leaving them held by no one
      allocator.releaseAll(f);
      f.info = info.toBuilder().setId(Protos.FrameworkID.newBuilder().setValue(id)).build();
      f.subscribedAtMs = System.currentTimeMillis();
      LOG.info("framework {} resubscribed", id);
    }
    if (f.failoverTimer >= 0) {
      vertx.cancelTimer(f.failoverTimer);
      f.failoverTimer = -1;
    }
    String streamId = UUID.randomUUID().toString();
    f.streamId = streamId;
    f.stream = resp;
    f.codec = codec;
    f.connected = true;
    f.suppressed = call.getSubscribe().getSuppressedRolesCount() > 0;
    resp.putHeader(STREAM_ID, streamId);
    SimFramework fw = f;
    resp.closeHandler(v -> disconnected(fw, streamId));
    EventStreams.write(resp, codec, Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
        .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(id))
        .setHeartbeatIntervalSeconds(cluster.options.heartbeatSeconds())
        .setMasterInfo(cluster.masterInfo())).build());
    if (!f.suppressed) allocator.allocateSoon();
    updates.redeliver(f); // updates not yet acknowledged are delivered again on the new stream
  }

  private static Event error(String message) {
    return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
  }

  /** Breaks every subscription stream, as a network fault would; answers how many there were. */
  int dropStreams() {
    int n = 0;
    for (SimFramework f : cluster.frameworks.values()) {
      if (f.stream != null) {
        n++;
        f.stream.reset();
        disconnected(f, f.streamId);
      }
    }
    return n;
  }

  private void disconnected(SimFramework f, String streamId) {
    if (!streamId.equals(f.streamId) || !f.connected) return;
    f.connected = false;
    f.stream = null;
    allocator.releaseAll(f);
    double timeout = f.info.getFailoverTimeout();
    LOG.info("framework {} disconnected; failover timeout {} s", f.id, timeout);
    f.failoverTimer = vertx.setTimer(Math.max(1, (long) (timeout * 1000)), id -> {
      f.failoverTimer = -1;
      if (!f.connected) remove(f, "failover timeout expired");
    });
  }

  /** The framework is gone: its offers are released, its tasks killed, its id refused from now on. */
  void remove(SimFramework f, String why) {
    LOG.info("removing framework {}: {}", f.id, why);
    allocator.releaseAll(f);
    for (SimTask t : f.tasks.values()) {
      updates.releaseResources(t);
      if (!t.terminal()) updates.record(t, TaskState.TASK_KILLED, "Framework " + f.id + " removed");
      updates.dropPending(t);
      f.complete(t);
    }
    f.tasks.clear();
    f.unreachable.clear();
    f.removedAtMs = System.currentTimeMillis();
    cluster.removed(f);
    if (f.failoverTimer >= 0) vertx.cancelTimer(f.failoverTimer);
    if (f.stream != null) {
      HttpServerResponse s = f.stream;
      f.stream = null;
      f.connected = false;
      s.end();
    }
  }
}
