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
    /**
     * Bytes received and not consumed yet are {@code buf[pos, end)}. Chunks are appended in place
     * (the array doubles when full, and is compacted when consumed bytes make room): a record of
     * 1 MB arriving in 8 KB chunks is copied once, not once per chunk.
     */
    private byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private long expected = -1;

    /** @param maxRecordBytes a record announcing more than this is a protocol error (not a huge allocation) */
    public Decoder(long maxRecordBytes, Consumer<byte[]> records) {
      this.maxRecordBytes = maxRecordBytes;
      this.records = records;
    }

    /** Feeds bytes as they arrive; emits every complete record. Throws on malformed framing. */
    public void feed(Buffer chunk) {
      append(chunk);
      while (true) {
        if (expected < 0) {
          int nl = -1;
          for (int i = pos; i < end; i++) {
            byte b = buf[i];
            if (b == '\n') {
              nl = i;
              break;
            }
            if (b < '0' || b > '9') throw new IllegalStateException("RecordIO: expected a decimal length, got byte " + b);
            if (i - pos >= MAX_HEADER_DIGITS) throw new IllegalStateException("RecordIO: length header too long");
          }
          if (nl < 0) return;
          if (nl == pos) throw new IllegalStateException("RecordIO: empty length header");
          expected = Long.parseLong(new String(buf, pos, nl - pos, StandardCharsets.US_ASCII));
          if (expected > maxRecordBytes) {
            throw new IllegalStateException("RecordIO: record of " + expected + " bytes exceeds the limit of " + maxRecordBytes);
          }
          pos = nl + 1;
        }
        if (end - pos < expected) return;
        byte[] record = java.util.Arrays.copyOfRange(buf, pos, pos + (int) expected);
        pos += (int) expected;
        expected = -1;
        if (pos == end) {
          pos = 0;
          end = 0;
        }
        records.accept(record);
      }
    }

    private void append(Buffer chunk) {
      int n = chunk.length();
      if (buf.length - end < n) {
        int live = end - pos;
        if (buf.length - live >= n && pos >= live) {
          System.arraycopy(buf, pos, buf, 0, live); // room enough once the consumed bytes are dropped
        } else {
          byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) buf.length * 2, (long) live + n))];
          System.arraycopy(buf, pos, bigger, 0, live);
          buf = bigger;
        }
        pos = 0;
        end = live;
      }
      chunk.getBytes(0, n, buf, end);
      end += n;
    }

    /** Bytes received but not yet part of a complete record. */
    public int buffered() {
      return end - pos;
    }
  }
}
