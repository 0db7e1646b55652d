package io.upone.mesos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordIoTest {

  @Test
  void recordsSplitAnyWayAcrossChunksComeOutWhole() {
    Random rnd = new Random(7);
    List<byte[]> sent = new ArrayList<>();
    Buffer wire = Buffer.buffer();
    for (int i = 0; i < 200; i++) {
      byte[] r = new byte[rnd.nextInt(3000)];
      rnd.nextBytes(r);
      sent.add(r);
      wire.appendBuffer(RecordIo.frame(r));
    }
    for (int trial = 0; trial < 20; trial++) {
      List<byte[]> got = new ArrayList<>();
      RecordIo.Decoder d = new RecordIo.Decoder(1 << 20, got::add);
      int pos = 0;
      while (pos < wire.length()) {
        int n = Math.min(wire.length() - pos, 1 + rnd.nextInt(trial == 0 ? 1 : 5000));
        d.feed(wire.getBuffer(pos, pos + n));
        pos += n;
      }
      assertEquals(sent.size(), got.size());
      for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), got.get(i));
      assertEquals(0, d.buffered());
    }
  }

  @Test
  void aRecordLargerThanTheBufferArrivingInSmallChunksComesOutWhole() {
    Random rnd = new Random(11);
    byte[] big = new byte[1 << 20];
    rnd.nextBytes(big);
    byte[] small = "after".getBytes(StandardCharsets.UTF_8);
    Buffer wire = Buffer.buffer().appendBuffer(RecordIo.frame(small)).appendBuffer(RecordIo.frame(big))
        .appendBuffer(RecordIo.frame(small));
    List<byte[]> got = new ArrayList<>();
    RecordIo.Decoder d = new RecordIo.Decoder(2 << 20, got::add);
    for (int pos = 0; pos < wire.length(); pos += 8192) d.feed(wire.getBuffer(pos, Math.min(wire.length(), pos + 8192)));
    assertEquals(3, got.size());
    assertArrayEquals(small, got.get(0));
    assertArrayEquals(big, got.get(1));
    assertArrayEquals(small, got.get(2));
    assertEquals(0, d.buffered());
  }

  @Test
  void framingIsLengthNewlineBytes() {
    assertEquals("5\nhello", RecordIo.frame("hello".getBytes(StandardCharsets.UTF_8)).toString());
    assertEquals("0\n", RecordIo.frame(new byte[0]).toString());
  }

  @Test
  void malformedOrOversizedHeadersAreErrors() {
    RecordIo.Decoder d = new RecordIo.Decoder(100, r -> { });
    assertThrows(IllegalStateException.class, () -> d.feed(Buffer.buffer("12a\n")));
    RecordIo.Decoder big = new RecordIo.Decoder(100, r -> { });
    assertThrows(IllegalStateException.class, () -> big.feed(Buffer.buffer("101\n")));
    RecordIo.Decoder empty = new RecordIo.Decoder(100, r -> { });
    assertThrows(IllegalStateException.class, () -> empty.feed(Buffer.buffer("\n")));
  }
}
