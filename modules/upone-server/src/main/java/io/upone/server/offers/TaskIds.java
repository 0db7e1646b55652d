package io.upone.server.offers;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Task ids: the app (or job) id with '/' as '_', a dot, and a random version-4 UUID. */
final class TaskIds {
  private TaskIds() {}

  static String next(String appId) {
    return appId.substring(1).replace('/', '_') + "." + randomUuid();
  }

  /**
   * A version-4 UUID from a non-cryptographic generator: task ids need to be unique, not
   * unguessable, and SecureRandom cost 3-15 µs per id (most of a large launch batch's time).
   */
  static UUID randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo);
  }
}
