package io.upone.eventlog;

import com.alipay.sofa.jraft.entity.EnumOutter.EntryType;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.LocalStorageOutter.StablePBMeta;
import com.alipay.sofa.jraft.entity.LogEntry;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.entity.codec.LogEntryDecoder;
import com.alipay.sofa.jraft.entity.codec.v2.LogEntryV2CodecFactory;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.storage.io.ProtoBufFile;
import com.alipay.sofa.jraft.storage.snapshot.local.LocalSnapshotMetaTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The files of one raft member as {@link RaftEventLog} lays them out under its data dir:
 * {@code log/} (SOFAJRaft's RocksDB log), {@code meta/raft_meta} (term and vote) and
 * {@code snapshot/snapshot_<index>/} (the projection, {@code state.pb}). Backup reads them
 * without the member's help; restore writes a member that starts from a snapshot.
 */
final class RaftFiles {
  static final String SNAPSHOT_META = "__raft_snapshot_meta";
  // SOFAJRaft's RocksDB layout: entries keyed by 8-byte big-endian index in the default column
  // family; configuration entries also in "Configuration", with the first live index under this key
  private static final byte[] CONF_FAMILY = "Configuration".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FIRST_INDEX_KEY = "meta/firstLogIndex".getBytes(StandardCharsets.UTF_8);

  private final Path dir;

  RaftFiles(Path raftDataDir) {
    this.dir = raftDataDir;
  }

  Path log() {
    return dir.resolve("log");
  }

  Path meta() {
    return dir.resolve("meta");
  }

  Path snapshots() {
    return dir.resolve("snapshot");
  }

  /** The latest snapshot's directory, if there is one. */
  Optional<Path> latestSnapshot() throws IOException {
    if (!Files.isDirectory(snapshots())) return Optional.empty();
    try (Stream<Path> dirs = Files.list(snapshots())) {
      return dirs.filter(p -> p.getFileName().toString().matches("snapshot_\\d+"))
          .filter(p -> Files.exists(p.resolve(SNAPSHOT_META)))
          .max((a, b) -> Long.compare(indexOf(a), indexOf(b)));
    }
  }

  private static long indexOf(Path snapshotDir) {
    return Long.parseLong(snapshotDir.getFileName().toString().substring("snapshot_".length()));
  }

  static SnapshotMeta snapshotMeta(Path snapshotDir) throws IOException {
    LocalSnapshotMetaTable t = new LocalSnapshotMetaTable(new RaftOptions());
    if (!t.loadFromFile(snapshotDir.resolve(SNAPSHOT_META).toString()) || !t.hasMeta()) {
      throw new IOException("cannot read " + snapshotDir.resolve(SNAPSHOT_META));
    }
    return t.getMeta();
  }

  /** One raft log entry as stored: data entries carry a {@code LogEntry} of upone; others are raft's own. */
  record Entry(long index, long term, boolean data, byte[] bytes) {}

  interface EntryVisitor {
    void accept(Entry e) throws IOException;
  }

  /**
   * Reads the entries from {@code from} on. Opens the RocksDB read-only, so it also works while
   * the member runs (it sees what was written when it opened). Fails if {@code from} is no longer
   * in the log (compacted) and there are entries after it.
   */
  void readLog(long from, EntryVisitor visitor) throws IOException {
    if (!Files.isDirectory(log())) return;
    RocksDB.loadLibrary();
    LogEntryDecoder decoder = LogEntryV2CodecFactory.getInstance().decoder();
    List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(CONF_FAMILY),
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions opts = new DBOptions();
         RocksDB db = RocksDB.openReadOnly(opts, log().toString(), families, handles);
         ReadOptions read = new ReadOptions().setTotalOrderSeek(true)) {
      try {
        byte[] first = db.get(handles.get(0), FIRST_INDEX_KEY);
        long firstLive = first == null ? 1 : ByteBuffer.wrap(first).getLong();
        long start = Math.max(from, firstLive);
        try (RocksIterator it = db.newIterator(handles.get(1), read)) {
          it.seek(key(start));
          long expected = start;
          for (; it.isValid(); it.next()) {
            long index = ByteBuffer.wrap(it.key()).getLong();
            if (index != expected) {
              throw new IOException("the raft log has no entry " + expected + " (next is " + index
                  + "): compacted while it was read; take the backup again");
            }
            if (expected == start && start > from) {
              throw new IOException("the raft log starts at " + start + " but the backup needs entries from " + from);
            }
            LogEntry e = decoder.decode(it.value());
            if (e == null) throw new IOException("undecodable raft log entry " + index);
            boolean data = e.getType() == EntryType.ENTRY_TYPE_DATA;
            byte[] bytes = new byte[0];
            if (data && e.getData() != null) {
              ByteBuffer b = e.getData().slice();
              bytes = new byte[b.remaining()];
              b.get(bytes);
            }
            visitor.accept(new Entry(index, e.getId().getTerm(), data, bytes));
            expected++;
          }
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    } catch (RocksDBException e) {
      throw new IOException("cannot read the raft log in " + log() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] key(long index) {
    return ByteBuffer.allocate(8).putLong(index).array();
  }

  /** True when nothing of a raft member is here yet (restore refuses to overwrite one). */
  boolean isEmpty() throws IOException {
    for (Path p : List.of(log(), meta(), snapshots())) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          if (s.findAny().isPresent()) return false;
        }
      }
    }
    return true;
  }

  /**
   * Makes this an empty member that starts from {@code state} as a snapshot at raft entry
   * {@code index} of {@code term}, in a group of {@code peers}. Its current term is the wall
   * clock in seconds (never below the snapshot's): the group that was lost may have held
   * elections after the backup, and agents refuse commands of a term below the highest they have
   * seen (fencing). A group gains one term per election, so it never reaches the clock's seconds;
   * a later restore starts higher still.
   */
  void writeRestoredMember(long index, long term, byte[] state, List<String> peers) throws IOException {
    Path snap = snapshots().resolve("snapshot_" + index);
    Files.createDirectories(snap);
    Files.write(snap.resolve(ProjectionStateMachine.SNAPSHOT_FILE), state);
    LocalSnapshotMetaTable table = new LocalSnapshotMetaTable(new RaftOptions());
    table.setMeta(SnapshotMeta.newBuilder().setLastIncludedIndex(index).setLastIncludedTerm(term)
        .addAllPeers(peers).build());
    table.addFile(ProjectionStateMachine.SNAPSHOT_FILE, LocalFileMeta.newBuilder().build());
    if (!table.saveToFile(snap.resolve(SNAPSHOT_META).toString())) throw new IOException("cannot write snapshot meta in " + snap);
    Files.createDirectories(meta());
    new ProtoBufFile(meta().resolve("raft_meta").toString())
        .save(StablePBMeta.newBuilder().setTerm(restoredTerm(term)).setVotedfor("0.0.0.0:0").build(), true);
  }

  /** The current term a restored member starts in (see {@link #writeRestoredMember}). */
  static long restoredTerm(long snapshotTerm) {
    return Math.max(snapshotTerm, System.currentTimeMillis() / 1000);
  }
}
