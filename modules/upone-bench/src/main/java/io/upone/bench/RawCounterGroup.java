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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: SOFAJRaft with a trivial counter state machine, configured like upone's log
 * (same timers, fsync on). One 8-byte entry per apply, pipelined.
 */
final class RawCounterGroup implements AutoCloseable {
  private final List<RaftGroupService> services = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  private static final class Counter extends StateMachineAdapter {
    final AtomicLong value = new AtomicLong();

    @Override
    public void onApply(Iterator iter) {
      while (iter.hasNext()) {
        value.addAndGet(iter.getData().getLong(0));
        if (iter.done() != null) iter.done().run(Status.OK());
        iter.next();
      }
    }
  }

  RawCounterGroup(Path dir, List<String> peers) {
    Configuration conf = new Configuration();
    for (String p : peers) conf.addPeer(PeerId.parsePeer(p));
    for (int i = 0; i < peers.size(); i++) {
      NodeOptions o = new NodeOptions();
      o.setElectionTimeoutMs(1000);
      o.setFsm(new Counter());
      Path d = dir.resolve("raw" + i);
      try {
        java.nio.file.Files.createDirectories(d);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      o.setLogUri(d.resolve("log").toString());
      o.setRaftMetaUri(d.resolve("meta").toString());
      o.setSnapshotUri(d.resolve("snapshot").toString());
      o.setSnapshotIntervalSecs(0);
      o.setSharedElectionTimer(true);
      o.setSharedVoteTimer(true);
      o.setSharedStepDownTimer(true);
      o.setSharedSnapshotTimer(true);
      o.setInitialConf(conf.copy());
      RaftOptions r = new RaftOptions();
      r.setSync(true);
      o.setRaftOptions(r);
      RaftGroupService s = new RaftGroupService("raw-counter", PeerId.parsePeer(peers.get(i)), o);
      services.add(s);
      nodes.add(s.start());
    }
  }

  Node leader() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (Node n : nodes) if (n.isLeader()) return n;
      Thread.sleep(10);
    }
    throw new IllegalStateException("no leader");
  }

  /** Applies {@code n} entries with at most {@code window} in flight; returns entries per second. */
  double run(int n, int window) throws InterruptedException {
    Node leader = leader();
    return Pipelined.run(n, window, (i, done) ->
        leader.apply(new Task(ByteBuffer.allocate(8).putLong(0, 1), status -> done.accept(status.isOk()))));
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
