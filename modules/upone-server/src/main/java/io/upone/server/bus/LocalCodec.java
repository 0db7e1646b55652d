package io.upone.server.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an immutable message object to local consumers as it is: no copy, no JSON inside the
 * node. Messages sent with it never leave the JVM (encoding them for the wire is refused).
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  private final String name;

  private LocalCodec(String name) {
    this.name = name;
  }

  /**
   * Delivery options that pass messages through the named local codec, registering the codec
   * with this Vert.x instance on first use.
   */
  public static DeliveryOptions options(Vertx vertx, String name) {
    synchronized (LocalCodec.class) {
      try {
        vertx.eventBus().registerCodec(new LocalCodec(name));
      } catch (IllegalStateException alreadyRegistered) {
        // registered by another verticle of this node: the same codec
      }
    }
    return new DeliveryOptions().setCodecName(name).setLocalOnly(true);
  }

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException(name + " messages are local to one node");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " messages are local to one node");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
