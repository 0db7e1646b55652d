package io.upone.server.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobRunFinished;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.MissedRunPolicy;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.RunState;
import io.upone.core.testing.Poll;
import io.upone.eventlog.RaftConfig;
import io.upone.eventlog.RaftEventLog;
import io.upone.server.bus.CommittedFeed;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "Why" 3: a FORBID job lost about three instants per failover. The run the old leader
 * fired just before it died stayed active until the new leader reconciled it, so the instants
 * due meanwhile were recorded missed at once. The new leader now judges them after that run's end.
 */
class ForbidAtFailoverTest {
  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  @TempDir Path dir;
  Vertx vertx;
  RaftEventLog log;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (log != null) log.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void append(Event.Builder e) {
    log.append(Proposal.newBuilder().addEvents(e).build()).join();
  }

  @Test
  void theRunLeftByTheOldLeaderIsReconciledBeforeTheNextInstantIsJudged() throws Exception {
    log = RaftEventLog.start(RaftConfig.single(dir, "127.0.0.1:" + freePort()).withSnapshotEvery(0));
    assertTrue(log.awaitReady(Duration.ofSeconds(30)));
    Poll.until("leadership", Duration.ofSeconds(30), log::isLeader);
    // what the old leader left: a per-second FORBID job whose instant T0+1s fired and is still active
    append(Event.newBuilder().setTimestampMs(T0).setJobCreated(JobCreated.newBuilder().setSpec(JobSpec.newBuilder()
        .setId("/tick").setSchedule("* * * * * ?").setTimezone("UTC").setCmd("true").setCpus(0.1).setMem(8).setVersion(1)
        .setRetries(1).setConcurrencyPolicy(ConcurrencyPolicy.FORBID).setMissedRunPolicy(MissedRunPolicy.RUN_ALL))));
    String left = CronPlanner.runId("/tick", T0 + 1000);
    append(Event.newBuilder().setTimestampMs(T0 + 1000).setJobRunFired(JobRunFired.newBuilder().setJobId("/tick")
        .setRunId(left).setScheduledMs(T0 + 1000)));

    // the new leader's planner starts 2.5 s later: the instant T0+2s is due, with that run still active
    vertx = Vertx.vertx();
    CommittedFeed.start(vertx, log);
    Clock at = Clock.fixed(Instant.ofEpochMilli(T0 + 2500), ZoneOffset.UTC);
    vertx.deployVerticle(new CronPlanner(log, at, 60_000)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    // the old run is reconciled: its task had finished while nobody led
    append(Event.newBuilder().setTimestampMs(T0 + 2600).setJobRunFinished(JobRunFinished.newBuilder().setJobId("/tick")
        .setRunId(left).setState(RunState.RUN_FINISHED)));

    // only then is T0+2s judged, and with no run active it fires
    Poll.until("the instant T0+2s recorded", Duration.ofSeconds(30),
        () -> log.view().job("/tick").orElseThrow().getLastScheduledMs() >= T0 + 2000);
    List<String> missed = log.view().job("/tick").orElseThrow().getHistoryList().stream()
        .filter(r -> r.getState() == RunState.RUN_MISSED).map(r -> r.getRunId()).toList();
    assertEquals(List.of(), missed, "instants recorded missed behind a run that had ended");
    assertEquals(CronPlanner.runId("/tick", T0 + 2000), log.view().job("/tick").orElseThrow().getActive(0).getRunId());
  }
}
