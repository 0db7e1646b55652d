package io.upone.mesos;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One framework's connection to the Mesos master: the SUBSCRIBE stream (RecordIO over a chunked
 * response) and the calls that go with it. Keeps the Mesos-Stream-Id and sends it on every call,
 * follows 307 redirects to the leading master, treats missed heartbeats as a broken stream and
 * reconnects with capped exponential backoff until {@link #close()}. Runs on one context.
 */
final class SchedulerConnection {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerConnection.class);
  static final String PATH = "/api/v1/scheduler";
  static final String STREAM_ID = "Mesos-Stream-Id";
  private static final long MAX_RECORD_BYTES = 256L << 20;

  interface Handler {
    void subscribed(Event.Subscribed subscribed, String master);

    void event(Event event);

    void disconnected(String why);
  }

  private final Vertx vertx;
  private final MesosConfig config;
  private final Supplier<Call> subscribeCall;
  private final Handler handler;
  private final HttpClient streamClient;
  private final HttpClient callClient;
  private URI master;
  private int masterIndex;
  private int attempt;
  private int redirects;
  private long generation;
  private boolean open;
  private boolean subscribed;
  private String streamId;
  private HttpClientRequest streamRequest;
  private long heartbeatMs = 15_000;
  private long lastEventAt;
  private long watchdog = -1;
  private long retryTimer = -1;

  SchedulerConnection(Vertx vertx, MesosConfig config, Supplier<Call> subscribeCall, Handler handler) {
    this.vertx = vertx;
    this.config = config;
    this.subscribeCall = subscribeCall;
    this.handler = handler;
    this.master = config.masters().get(0);
    this.streamClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(3000)
        .setIdleTimeout(0), new PoolOptions().setHttp1MaxSize(1));
    this.callClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(3000)
        .setPipelining(true).setPipeliningLimit(32), new PoolOptions().setHttp1MaxSize(4).setMaxWaitQueueSize(-1));
  }

  boolean isSubscribed() {
    return subscribed;
  }

  String streamId() {
    return streamId;
  }

  URI master() {
    return master;
  }

  void open() {
    if (open) return;
    open = true;
    connect();
  }

  void close() {
    open = false;
    breakStream("closed");
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    streamClient.close();
    callClient.close();
  }

  /** Ends the current stream and subscribes again only when {@link #resume()} is called. */
  void pause(String why) {
    if (!open) return;
    breakStream(why);
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    retryTimer = -1;
  }

  /** After {@link #pause}: subscribes again (after the usual backoff). */
  void resume() {
    if (open && !subscribed) scheduleReconnect();
  }

  /** Ends the current stream (as if the network broke it); a new subscription follows. */
  void drop(String why) {
    if (!open) return;
    breakStream(why);
    scheduleReconnect();
  }

  private void connect() {
    if (!open) return;
    retryTimer = -1;
    long gen = ++generation;
    Call subscribe = subscribeCall.get();
    Buffer body = Buffer.buffer(config.codec().encode(subscribe));
    streamClient.request(post()).compose(req -> {
      if (gen != generation) {
        req.reset();
        return Future.failedFuture("superseded");
      }
      streamRequest = req;
      return req.send(body);
    }).onComplete(ar -> {
      if (gen != generation) return;
      if (ar.failed()) {
        failed("cannot reach " + master + ": " + ar.cause().getMessage(), true);
        return;
      }
      HttpClientResponse resp = ar.result();
      switch (resp.statusCode()) {
        case 200 -> stream(gen, resp);
        case 307 -> redirect(resp);
        default -> resp.body().onComplete(b -> {
          if (gen != generation) return;
          String text = b.succeeded() ? b.result().toString().trim() : "";
          failed("SUBSCRIBE answered " + resp.statusCode() + (text.isEmpty() ? "" : ": " + text), resp.statusCode() >= 500);
        });
      }
    });
  }

  private void stream(long gen, HttpClientResponse resp) {
    streamId = resp.getHeader(STREAM_ID); // absent in some test peers: calls then carry none
    lastEventAt = System.currentTimeMillis();
    MesosCodec codec = MesosCodec.of(resp.getHeader("Content-Type"));
    MesosCodec wire = codec == null ? config.codec() : codec;
    RecordIo.Decoder decoder = new RecordIo.Decoder(MAX_RECORD_BYTES, bytes -> {
      if (gen != generation) return;
      Event e;
      try {
        e = wire.decode(bytes, Event.newBuilder());
      } catch (IllegalArgumentException ex) {
        LOG.error("undecodable event from {} ({} bytes): {}", master, bytes.length, ex.getMessage());
        drop("undecodable event");
        return;
      }
      onEvent(e);
    });
    resp.handler(buf -> {
      if (gen != generation) return;
      lastEventAt = System.currentTimeMillis();
      try {
        decoder.feed(buf);
      } catch (IllegalStateException ex) {
        LOG.error("broken RecordIO stream from {}: {}", master, ex.getMessage());
        drop("broken RecordIO");
      }
    });
    resp.exceptionHandler(t -> {
      if (gen == generation) drop("stream error: " + t.getMessage());
    });
    resp.endHandler(v -> {
      if (gen == generation) drop("stream ended by the master");
    });
    if (watchdog >= 0) vertx.cancelTimer(watchdog);
    watchdog = vertx.setPeriodic(250, id -> {
      if (gen != generation) {
        vertx.cancelTimer(id);
        return;
      }
      long silent = System.currentTimeMillis() - lastEventAt;
      if (silent > heartbeatMs * config.missedHeartbeats() + 500) {
        LOG.warn("no event from {} for {} ms ({} heartbeats missed): reconnecting", master, silent, config.missedHeartbeats());
        drop("heartbeats missed");
      }
    });
  }

  private void onEvent(Event e) {
    switch (e.getType()) {
      case SUBSCRIBED -> {
        Event.Subscribed s = e.getSubscribed();
        subscribed = true;
        attempt = 0;
        redirects = 0;
        if (s.hasHeartbeatIntervalSeconds() && s.getHeartbeatIntervalSeconds() > 0) {
          heartbeatMs = (long) (s.getHeartbeatIntervalSeconds() * 1000);
        }
        handler.subscribed(s, master.toString());
      }
      case HEARTBEAT -> { }
      default -> handler.event(e);
    }
  }

  private void redirect(HttpClientResponse resp) {
    String location = resp.getHeader("Location");
    resp.body();
    if (location == null || ++redirects > 5) {
      failed("redirect without a usable Location (" + location + ")", true);
      return;
    }
    URI target = master.resolve(location.startsWith("//") ? master.getScheme() + ":" + location : location);
    LOG.info("master {} is not the leader: following the redirect to {}", master, target.getHost() + ":" + port(target));
    master = URI.create(master.getScheme() + "://" + target.getHost() + ":" + port(target));
    breakStream("redirected");
    connect();
  }

  /**
   * The attempt failed. The next one starts again from the configured masters (the next one
   * when this one could not be reached), not from a redirect target that may be gone for good.
   */
  private void failed(String why, boolean tryNextMaster) {
    LOG.warn("Mesos subscription: {}", why);
    breakStream(why);
    if (tryNextMaster) masterIndex = (masterIndex + 1) % config.masters().size();
    master = config.masters().get(masterIndex);
    redirects = 0;
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (!open || retryTimer >= 0) return;
    long cap = Math.min(config.maxBackoffMs(), config.minBackoffMs() << Math.min(attempt, 20));
    attempt++;
    long delay = Math.max(1, (long) (cap * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    retryTimer = vertx.setTimer(delay, id -> connect());
  }

  private void breakStream(String why) {
    generation++;
    boolean was = subscribed;
    subscribed = false;
    streamId = null;
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
      watchdog = -1;
    }
    if (streamRequest != null) {
      HttpClientRequest r = streamRequest;
      streamRequest = null;
      if (r.connection() != null) r.connection().close();
      else r.reset();
    }
    if (was && open) handler.disconnected(why);
    else if (was) LOG.info("Mesos subscription closed");
  }

  /** Sends a call on the current subscription; fails if there is none or the master refuses it. */
  Future<Void> send(Call call) {
    if (!subscribed) return Future.failedFuture("not subscribed to a Mesos master");
    Buffer body = Buffer.buffer(config.codec().encode(call));
    RequestOptions opts = post();
    if (streamId != null) opts.putHeader(STREAM_ID, streamId);
    return callClient.request(opts).compose(req -> req.send(body)).compose(resp -> {
      if (resp.statusCode() == 202 || resp.statusCode() == 200) {
        return resp.end();
      }
      return resp.body().compose(b -> Future.failedFuture(call.getType() + " answered " + resp.statusCode()
          + ": " + b.toString().trim()));
    });
  }

  /** A POST of the scheduler API to the current master, in the configured encoding both ways. */
  private RequestOptions post() {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(master.getHost()).setPort(port(master)).setURI(PATH)
        .putHeader("Content-Type", config.codec().mediaType())
        .putHeader("Accept", config.codec().mediaType());
  }

  private static int port(URI u) {
    return u.getPort() > 0 ? u.getPort() : 5050;
  }
}
