package io.upone.bench;

import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The baseline: plain SOFAJRaft with a trivial counter state machine (onApply adds 1 and
 * completes the closure), its NodeOptions set up the way {@code RaftEventLog} sets up its own:
 * RaftGroupService on loopback, electionTimeout 5000 ms (as upone in the bench), shared timers, no snapshot timer, fsync
 * of log and meta on, default RaftOptions otherwise.
 */
final class RawJraftCounter implements AutoCloseable {
  private final List<RaftGroupService> services = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  static final class Counter extends StateMachineAdapter {
    volatile long value;

    @Override
    public void onApply(Iterator iter) {
      while (iter.hasNext()) {
        value++; // only the FSM thread writes
        if (iter.done() != null) iter.done().run(Status.OK());
        iter.next();
      }
    }
  }

  RawJraftCounter(Path dir, List<String> peers) throws IOException {
    Configuration conf = new Configuration();
    for (String p : peers) conf.addPeer(PeerId.parsePeer(p));
    for (int i = 0; i < peers.size(); i++) {
      Path d = Files.createDirectories(dir.resolve("raw" + i));
      NodeOptions o = new NodeOptions();
      o.setElectionTimeoutMs(5000); // a GC pause on a busy 2-core machine must not move the leader mid-run
      o.setFsm(new Counter());
      o.setLogUri(d.resolve("log").toString());
      o.setRaftMetaUri(d.resolve("meta").toString());
      o.setSnapshotUri(d.resolve("snapshot").toString());
      o.setSnapshotIntervalSecs(0);
      o.setSharedElectionTimer(true);
      o.setSharedVoteTimer(true);
      o.setSharedStepDownTimer(true);
      o.setSharedSnapshotTimer(true);
      o.setEnableMetrics(false);
      o.setInitialConf(conf.copy());
      RaftOptions r = new RaftOptions();
      r.setSync(true);
      r.setSyncMeta(true);
      o.setRaftOptions(r);
      RaftGroupService s = new RaftGroupService("raw-counter", PeerId.parsePeer(peers.get(i)), o);
      services.add(s);
      nodes.add(s.start());
    }
  }

  Node leader(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      for (Node n : nodes) if (n.isLeader()) return n;
      Thread.sleep(5);
    }
    throw new IllegalStateException("raw group: no leader within " + timeoutMs + " ms");
  }

  /** One 8-byte entry per task. */
  static void applyOne(Node leader, Consumer<Throwable> done) {
    leader.apply(new Task(ByteBuffer.allocate(8).putLong(0, 1), st -> done.accept(st.isOk() ? null
        : new IllegalStateException("raw apply failed: " + st))));
  }

  @Override
  public void close() {
    for (RaftGroupService s : services) s.shutdown();
    for (RaftGroupService s : services) {
      try {
        s.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
