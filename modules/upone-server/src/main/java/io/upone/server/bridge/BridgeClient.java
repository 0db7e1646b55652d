package io.upone.server.bridge;

/** One connected bridge client as the shared parts see it, whatever its transport. */
interface BridgeClient {
  /** {@code tcp} or {@code sockjs}. */
  String transport();

  /** Its unsent output is over {@code bridge-max-queue-bytes}. */
  boolean writeQueueFull();

  /** Runs {@code next} once its output has drained. */
  void whenDrained(Runnable next);

  /** Sends an {@code err} frame; the client stays connected. */
  void refuse(Refusal why);

  /** Sends an {@code err} frame, then closes the connection. */
  void cutOff(Refusal why);
}
