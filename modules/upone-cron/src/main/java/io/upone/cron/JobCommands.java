package io.upone.cron;

import io.upone.core.Problem;
import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.Event;
import io.upone.core.proto.JobCreated;
import io.upone.core.proto.JobDeleted;
import io.upone.core.proto.JobRecord;
import io.upone.core.proto.JobRunFired;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.JobUpdated;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;

/**
 * What a job request becomes: one proposal decided against the projection, or a problem. The
 * projection re-checks versions and run ids when the proposal is applied, so racing writers
 * cannot both win.
 */
public final class JobCommands {
  private JobCommands() {}

  public static JobRecord existing(State s, String id) {
    io.upone.core.AppId.problem(id).ifPresent(p -> {
      throw Problem.invalid("id", p).asFailure();
    });
    return s.job(io.upone.core.AppId.canonical(id))
        .orElseThrow(() -> Problem.notFound("job_not_found", "job " + io.upone.core.AppId.canonical(id) + " does not exist").asFailure());
  }

  public static Proposal create(State s, JobSpec spec, long nowMs) {
    if (s.job(spec.getId()).isPresent()) throw Problem.conflict("job_exists", "job " + spec.getId() + " already exists", "id").asFailure();
    if (s.app(spec.getId()).isPresent()) throw Problem.conflict("id_taken_by_app", "an app has the id " + spec.getId(), "id").asFailure();
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setJobCreated(JobCreated.newBuilder().setSpec(spec.toBuilder().setVersion(1))));
  }

  /** Replaces a job's spec. A non-zero {@code spec.version} must be the current version. */
  public static Proposal update(State s, String id, JobSpec spec, long nowMs) {
    JobRecord cur = existing(s, id);
    long at = cur.getSpec().getVersion();
    if (spec.getVersion() != 0 && spec.getVersion() != at) {
      throw Problem.conflict("stale_version", "job " + cur.getSpec().getId() + " is at version " + at + ", not "
          + spec.getVersion(), "version").asFailure();
    }
    return one(Event.newBuilder().setTimestampMs(nowMs).setJobUpdated(JobUpdated.newBuilder()
        .setSpec(spec.toBuilder().setVersion(at + 1)).setPreviousVersion(at)));
  }

  public static Proposal setSuspended(State s, String id, boolean suspended, long nowMs) {
    JobRecord cur = existing(s, id);
    return update(s, id, cur.getSpec().toBuilder().setSuspended(suspended).build(), nowMs);
  }

  public static Proposal delete(State s, String id, long nowMs) {
    JobRecord cur = existing(s, id);
    return one(Event.newBuilder().setTimestampMs(nowMs).setJobDeleted(JobDeleted.newBuilder()
        .setJobId(cur.getSpec().getId()).setPreviousVersion(cur.getSpec().getVersion())));
  }

  /** Run now: a manual run outside the schedule (a FORBID job with an active run refuses it). */
  public static Proposal runNow(State s, String id, String runId, long nowMs) {
    JobRecord cur = existing(s, id);
    if (cur.getSpec().getConcurrencyPolicy() == ConcurrencyPolicy.FORBID && cur.getActiveCount() > 0) {
      throw Problem.conflict("run_active", "run " + cur.getActive(0).getRunId()
          + " is still active and the job's concurrencyPolicy is FORBID").asFailure();
    }
    return one(Event.newBuilder().setTimestampMs(nowMs).setJobRunFired(JobRunFired.newBuilder()
        .setJobId(cur.getSpec().getId()).setRunId(runId).setScheduledMs(nowMs).setManual(true)));
  }

  private static Proposal one(Event.Builder e) {
    return Proposal.newBuilder().addEvents(e).build();
  }
}
