package io.upone.eventlog;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The one file a backup is: the latest snapshot of the projection and the raft entries after it,
 * sealed with a SHA-256 of everything before the seal. All numbers big-endian:
 *
 * <pre>
 *   "UPONEBAK"  int format (1)
 *   long snapshotIndex  long snapshotTerm  int length  bytes   (StateSnapshot; index 0 = none, length 0)
 *   { byte 'E'  long index  long term  int length  bytes }*      (data entries after the snapshot)
 *   byte 'Z'  long lastIndex  long lastTerm  long entries          (last raft entry of any kind)
 *   32 bytes SHA-256 of all the above
 * </pre>
 *
 * A reader checks the seal over the whole file before it trusts a byte of it.
 */
final class BackupFile {
  static final byte[] MAGIC = "UPONEBAK".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT = 1;
  private static final int SEAL = 32;

  private BackupFile() {}

  /** Something wrong with a backup file: the message says what, for the operator. */
  static final class Corrupt extends IOException {
    Corrupt(String message) {
      super(message);
    }
  }

  /** Writes a backup; {@link #close()} seals it. */
  static final class Writer implements AutoCloseable {
    private final MessageDigest digest = sha256();
    private final OutputStream file;
    private final DataOutputStream out;
    private long entries;
    private boolean finished;

    Writer(Path path, long snapshotIndex, long snapshotTerm, byte[] snapshot) throws IOException {
      file = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
      out = new DataOutputStream(new DigestOutputStream(file, digest));
      out.write(MAGIC);
      out.writeInt(FORMAT);
      out.writeLong(snapshotIndex);
      out.writeLong(snapshotTerm);
      out.writeInt(snapshot.length);
      out.write(snapshot);
    }

    void entry(long index, long term, byte[] data) throws IOException {
      out.writeByte('E');
      out.writeLong(index);
      out.writeLong(term);
      out.writeInt(data.length);
      out.write(data);
      entries++;
    }

    void finish(long lastIndex, long lastTerm) throws IOException {
      out.writeByte('Z');
      out.writeLong(lastIndex);
      out.writeLong(lastTerm);
      out.writeLong(entries);
      out.flush();
      file.write(digest.digest());
      finished = true;
    }

    @Override
    public void close() throws IOException {
      file.close();
      if (!finished) throw new IOException("backup not finished");
    }
  }

  /** What a reader gets, in file order. */
  interface Visitor {
    void snapshot(long index, long term, byte[] snapshot) throws IOException;

    void entry(long index, long term, byte[] data) throws IOException;

    void end(long lastIndex, long lastTerm, long entries) throws IOException;
  }

  /** Checks the seal, then reads the file into {@code visitor}. Throws {@link Corrupt} naming the problem. */
  static void read(Path path, Visitor visitor) throws IOException {
    long size = Files.size(path);
    if (size < MAGIC.length + 4 + SEAL) throw new Corrupt(path + " is too short to be an upone backup (" + size + " bytes)");
    checkHeader(path);
    checkSeal(path, size);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
      in.skipNBytes(MAGIC.length + 4);
      long snapIndex = in.readLong();
      long snapTerm = in.readLong();
      visitor.snapshot(snapIndex, snapTerm, bytes(in, size));
      long count = 0;
      while (true) {
        int tag = in.readUnsignedByte();
        if (tag == 'E') {
          long index = in.readLong();
          long term = in.readLong();
          visitor.entry(index, term, bytes(in, size));
          count++;
        } else if (tag == 'Z') {
          long lastIndex = in.readLong();
          long lastTerm = in.readLong();
          long entries = in.readLong();
          if (entries != count) throw new Corrupt(path + " says " + entries + " entries but holds " + count);
          visitor.end(lastIndex, lastTerm, entries);
          return;
        } else {
          throw new Corrupt(path + ": unexpected record tag " + tag);
        }
      }
    } catch (EOFException e) {
      throw new Corrupt(path + " ends in the middle of a record");
    }
  }

  private static void checkHeader(Path path) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(path))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) throw new Corrupt(path + " is not an upone backup (no UPONEBAK header)");
      int format = in.readInt();
      if (format != FORMAT) {
        throw new Corrupt(path + " is backup format " + format + "; this upone reads format " + FORMAT
            + (format > FORMAT ? " (restore it with the upone version that wrote it, or a newer one)" : ""));
      }
    }
  }

  private static void checkSeal(Path path, long size) throws IOException {
    MessageDigest d = sha256();
    byte[] seal;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      byte[] buf = new byte[1 << 16];
      long left = size - SEAL;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) throw new Corrupt(path + " shrank while it was read");
        d.update(buf, 0, n);
        left -= n;
      }
      seal = in.readNBytes(SEAL);
    }
    if (!MessageDigest.isEqual(seal, d.digest())) {
      throw new Corrupt(path + " fails its SHA-256 check: the file is damaged or truncated; nothing was restored");
    }
  }

  private static byte[] bytes(DataInputStream in, long fileSize) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > fileSize) throw new Corrupt("record length " + n + " is impossible in a file of " + fileSize + " bytes");
    return in.readNBytes(n);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
