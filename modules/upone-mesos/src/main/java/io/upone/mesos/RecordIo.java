package io.upone.mesos;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * RecordIO, the framing of Mesos event streams: each record is its length in bytes as decimal
 * ASCII, a newline, then that many bytes. Records may be split across or packed into HTTP chunks
 * in any way, so the decoder keeps what it has not consumed yet.
 */
public final class RecordIo {
  private RecordIo() {}

  /** One framed record. */
  public static Buffer frame(byte[] record) {
    byte[] len = Integer.toString(record.length).getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(len.length + 1 + record.length).appendBytes(len).appendByte((byte) '\n').appendBytes(record);
  }

  /** An incremental decoder; not thread-safe (one stream, one context). */
  public static final class Decoder {
    private static final int MAX_HEADER_DIGITS = 19;
    private final long maxRecordBytes;
    private final Consumer<byte[]> records;
    private Buffer pending = Buffer.buffer();
    private int pos;
    private long expected = -1;

    /** @param maxRecordBytes a record announcing more than this is a protocol error (not a huge allocation) */
    public Decoder(long maxRecordBytes, Consumer<byte[]> records) {
      this.maxRecordBytes = maxRecordBytes;
      this.records = records;
    }

    /** Feeds bytes as they arrive; emits every complete record. Throws on malformed framing. */
    public void feed(Buffer chunk) {
      if (pos == pending.length()) {
        pending = chunk.copy();
        pos = 0;
      } else {
        pending = pending.getBuffer(pos, pending.length()).appendBuffer(chunk);
        pos = 0;
      }
      while (true) {
        if (expected < 0) {
          int nl = -1;
          for (int i = pos; i < pending.length(); i++) {
            byte b = pending.getByte(i);
            if (b == '\n') {
              nl = i;
              break;
            }
            if (b < '0' || b > '9') throw new IllegalStateException("RecordIO: expected a decimal length, got byte " + b);
            if (i - pos >= MAX_HEADER_DIGITS) throw new IllegalStateException("RecordIO: length header too long");
          }
          if (nl < 0) return;
          if (nl == pos) throw new IllegalStateException("RecordIO: empty length header");
          expected = Long.parseLong(pending.getString(pos, nl, "US-ASCII"));
          if (expected > maxRecordBytes) {
            throw new IllegalStateException("RecordIO: record of " + expected + " bytes exceeds the limit of " + maxRecordBytes);
          }
          pos = nl + 1;
        }
        if (pending.length() - pos < expected) return;
        byte[] record = pending.getBytes(pos, pos + (int) expected);
        pos += (int) expected;
        expected = -1;
        records.accept(record);
      }
    }

    /** Bytes received but not yet part of a complete record. */
    public int buffered() {
      return pending.length() - pos;
    }
  }
}
