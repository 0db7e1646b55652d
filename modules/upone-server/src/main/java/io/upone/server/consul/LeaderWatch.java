package io.upone.server.consul;

import io.upone.eventlog.EventLog;
import io.upone.server.bus.LeaderOnly;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;

/**
 * A verticle that keeps one Consul blocking query open ({@link BlockingRead}) while this member
 * leads, and hands each changed answer to {@link #changed}. Subclasses say how to read and what
 * an answer means.
 */
abstract class LeaderWatch<T> extends AbstractVerticle {
  private final EventLog log;
  private final String what;
  final ConsulConfig config;
  final ConsulStatus.Part status;
  private BlockingRead<T> read;
  private LeaderOnly leadership;

  LeaderWatch(EventLog log, ConsulConfig config, ConsulStatus.Part status, String what) {
    this.log = log;
    this.config = config;
    this.status = status;
    this.what = what;
  }

  /** One read, held by Consul until its index passes {@code index}. */
  abstract Future<T> read(long index);

  abstract long indexOf(T answer);

  abstract void changed(T answer);

  /** Creates the client; called from start(). */
  abstract void open();

  abstract void close();

  /** Leadership ended: forget what was derived. */
  void forget() {}

  @Override
  public void start() {
    open();
    read = new BlockingRead<>(vertx, what, this::read, this::indexOf, this::changed, status);
    leadership = new LeaderOnly(vertx, log, read::start, () -> {
      read.stop();
      forget();
    });
    leadership.start();
  }

  @Override
  public void stop() {
    leadership.stop();
    close();
  }

  /** The wait Consul holds a read for, as its query parameter says it. */
  String waitParam() {
    return config.waitS() + "s";
  }
}
