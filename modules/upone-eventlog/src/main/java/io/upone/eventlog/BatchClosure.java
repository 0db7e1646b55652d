package io.upone.eventlog;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of the proposals packed into one log entry. The state machine completes them one
 * by one; if the entry never applies here (leadership lost), {@link #run} fails the rest.
 */
final class BatchClosure implements Closure {
  private final List<CompletableFuture<List<Event>>> futures;
  private final Runnable release;

  BatchClosure(List<CompletableFuture<List<Event>>> futures, Runnable release) {
    this.futures = futures;
    this.release = release;
  }

  void complete(int i, List<Event> events) {
    futures.get(i).complete(events);
  }

  void fail(int i, Throwable t) {
    futures.get(i).completeExceptionally(t);
  }

  @Override
  public void run(Status status) {
    release.run();
    if (status.isOk()) return;
    Problem.Failure f = new Problem(Problem.Kind.UNAVAILABLE, "not_committed",
        "the log did not commit the change: " + status.getErrorMsg() + "; retry (on the leader)", List.of()).asFailure();
    for (CompletableFuture<List<Event>> fut : futures) fut.completeExceptionally(f);
  }
}
