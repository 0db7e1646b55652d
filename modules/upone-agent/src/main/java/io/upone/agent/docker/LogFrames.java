package io.upone.agent.docker;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;

/**
 * The engine's multiplexed output of a container without a TTY: frames of an 8-byte header
 * (byte 0: 1 = stdout, 2 = stderr; bytes 4-7: the payload length, big-endian) and the payload.
 */
public final class LogFrames {
  private LogFrames() {}

  public record Output(byte[] stdout, byte[] stderr) {}

  public static Output decode(Buffer b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int pos = 0;
    while (pos + 8 <= b.length()) {
      int stream = b.getUnsignedByte(pos);
      int len = b.getInt(pos + 4);
      int end = Math.min(b.length(), pos + 8 + len);
      byte[] payload = b.getBytes(pos + 8, end);
      (stream == 2 ? err : out).write(payload, 0, payload.length);
      pos = end;
    }
    return new Output(out.toByteArray(), err.toByteArray());
  }
}
