package io.upone.server.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Splits a TCP bridge stream into frames: a 4-byte big-endian length, then that many bytes of
 * UTF-8 JSON (an object). A frame that is not a JSON object is reported and skipped (the stream
 * stays in step); a length over the bound (or negative) cannot be skipped safely, so it stops
 * the reader: nothing more is buffered for that connection.
 */
final class TcpFrames implements Handler<Buffer> {
  interface Listener {
    void frame(JsonObject frame);

    void notJson(String problem);

    void tooLarge(long length);
  }

  private final int maxBytes;
  private final Listener listener;
  private Buffer pending = Buffer.buffer();
  private boolean stopped;

  TcpFrames(int maxBytes, Listener listener) {
    this.maxBytes = maxBytes;
    this.listener = listener;
  }

  @Override
  public void handle(Buffer data) {
    if (stopped) return;
    pending.appendBuffer(data);
    int at = 0;
    while (pending.length() - at >= 4) {
      long length = pending.getUnsignedInt(at);
      if (length > maxBytes) {
        stopped = true;
        pending = Buffer.buffer();
        listener.tooLarge(length);
        return;
      }
      if (pending.length() - at - 4 < length) break;
      String text = pending.getString(at + 4, at + 4 + (int) length);
      at += 4 + (int) length;
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        listener.notJson(e.getMessage());
        continue;
      }
      listener.frame(frame);
      if (stopped) return;
    }
    pending = at == 0 ? pending : pending.getBuffer(at, pending.length());
  }

  /** No more frames are read (the connection is closing). */
  void stop() {
    stopped = true;
  }
}
