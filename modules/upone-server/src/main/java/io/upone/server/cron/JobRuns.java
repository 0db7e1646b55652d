package io.upone.server.cron;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Container;
import io.upone.core.proto.JobRun;
import io.upone.core.proto.JobSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * A job run as a task: a run waiting for one is placed like a missing instance of an app made
 * from the job's spec, and its process learns which run it is through its environment.
 */
public final class JobRuns {
  private JobRuns() {}

  /** A fired (or retried) run that waits for a task. */
  public record PendingRun(JobSpec job, JobRun run) {
    public String runId() {
      return run.getRunId();
    }
  }

  /** Environment a run's process gets besides the job's own. */
  public static Map<String, String> env(PendingRun p) {
    Map<String, String> env = new HashMap<>(p.job().getEnvMap());
    env.put("UPONE_JOB_ID", p.job().getId());
    env.put("UPONE_RUN_ID", p.run().getRunId());
    env.put("UPONE_SCHEDULED_MS", Long.toString(p.run().getScheduledMs()));
    env.put("UPONE_ATTEMPT", Integer.toString(p.run().getAttempts() + 1));
    return env;
  }

  /** The job's spec as an app of {@code instances} instances, for placement. */
  public static AppSpec asApp(JobSpec j, int instances) {
    return AppSpec.newBuilder().setId(j.getId()).setCmd(j.getCmd()).addAllArgs(j.getArgsList())
        .setCpus(j.getCpus()).setMem(j.getMem()).setDisk(j.getDisk()).putAllEnv(j.getEnvMap())
        .putAllLabels(j.getLabelsMap()).addAllConstraints(j.getConstraintsList()).setInstances(instances)
        .setVersion(j.getVersion()).setContainer(Container.newBuilder().setImage(j.getImage()))
        .build();
  }
}
