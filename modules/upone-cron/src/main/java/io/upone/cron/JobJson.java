package io.upone.cron;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.AppId;
import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.json.AppJson;
import io.upone.core.json.JsonReader;
import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.Constraint;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.MissedRunPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON form of a job, read strictly (unknown fields and wrong types are errors) and checked
 * as a whole: every problem comes back at once, a bad schedule or zone names its field.
 */
public final class JobJson {
  public static final String DEFAULT_ZONE = "UTC";
  public static final int DEFAULT_STARTING_DEADLINE = 60;
  public static final int DEFAULT_HISTORY = 20;

  private JobJson() {}

  /** Reads and validates a job body; {@code now} proves that the schedule fires at all. */
  public static JobSpec read(String body, String pathId, Instant now) {
    JsonNode node = AppJson.parse(body);
    List<FieldError> errors = new ArrayList<>();
    JobSpec.Builder b = JobSpec.newBuilder().setTimezone(DEFAULT_ZONE).setCpus(AppJson.DEFAULT_CPUS)
        .setMem(AppJson.DEFAULT_MEM).setConcurrencyPolicy(ConcurrencyPolicy.FORBID)
        .setMissedRunPolicy(MissedRunPolicy.RUN_ALL).setStartingDeadlineSeconds(DEFAULT_STARTING_DEADLINE)
        .setRetryBackoffSeconds(10).setHistoryLimit(DEFAULT_HISTORY);
    Optional<JsonReader> maybe = JsonReader.of(node, "", errors);
    if (maybe.isEmpty()) throw Problem.invalid(errors).asFailure();
    JsonReader r = maybe.get();
    r.string("id").ifPresentOrElse(b::setId, () -> {
      if (pathId != null) b.setId(pathId);
    });
    r.string("schedule").ifPresent(b::setSchedule);
    r.string("timezone").ifPresent(z -> {
      if (z.isBlank()) r.error("timezone", "must not be empty; leave it out for UTC");
      else b.setTimezone(z);
    });
    r.string("cmd").ifPresent(b::setCmd);
    b.addAllArgs(r.strings("args"));
    r.string("image").ifPresent(b::setImage);
    r.number("cpus").ifPresent(b::setCpus);
    r.number("mem").ifPresent(b::setMem);
    r.number("disk").ifPresent(b::setDisk);
    b.putAllEnv(r.stringMap("env"));
    b.putAllLabels(r.stringMap("labels"));
    r.array("constraints", (el, p) -> AppJson.constraint(el, p, errors).ifPresent(b::addConstraints));
    r.string("concurrencyPolicy").ifPresent(v -> {
      switch (v) {
        case "ALLOW" -> b.setConcurrencyPolicy(ConcurrencyPolicy.ALLOW);
        case "FORBID" -> b.setConcurrencyPolicy(ConcurrencyPolicy.FORBID);
        case "REPLACE" -> b.setConcurrencyPolicy(ConcurrencyPolicy.REPLACE);
        default -> r.error("concurrencyPolicy", "must be ALLOW, FORBID or REPLACE");
      }
    });
    r.string("missedRunPolicy").ifPresent(v -> {
      switch (v) {
        case "SKIP" -> b.setMissedRunPolicy(MissedRunPolicy.SKIP);
        case "RUN_LATEST" -> b.setMissedRunPolicy(MissedRunPolicy.RUN_LATEST);
        case "RUN_ALL" -> b.setMissedRunPolicy(MissedRunPolicy.RUN_ALL);
        default -> r.error("missedRunPolicy", "must be SKIP, RUN_LATEST or RUN_ALL");
      }
    });
    r.integer("startingDeadlineSeconds", 0, 86_400 * 7).ifPresent(v -> b.setStartingDeadlineSeconds(v.intValue()));
    r.integer("retries", 0, 100).ifPresent(v -> b.setRetries(v.intValue()));
    r.number("retryBackoffSeconds").ifPresent(b::setRetryBackoffSeconds);
    r.integer("runTimeoutSeconds", 0, 86_400 * 7).ifPresent(v -> b.setRunTimeoutSeconds(v.intValue()));
    r.bool("suspended").ifPresent(b::setSuspended);
    r.integer("historyLimit", 1, 1000).ifPresent(v -> b.setHistoryLimit(v.intValue()));
    io.upone.core.AlertRoute.read(r, b::setAlertChannel, b::setAlertWebhook);
    r.integer("version", 0, Long.MAX_VALUE).ifPresent(b::setVersion);
    r.finish();

    if (b.getId().isEmpty()) errors.add(new FieldError("id", "is required"));
    else AppId.problem(b.getId()).ifPresentOrElse(p -> errors.add(new FieldError("id", p)),
        () -> b.setId(AppId.canonical(b.getId())));
    if (pathId != null && AppId.isValid(b.getId()) && !b.getId().equals(AppId.canonical(pathId))) {
      errors.add(new FieldError("id", "must match the id in the path (" + AppId.canonical(pathId) + ")"));
    }
    try {
      Schedule.parse(b.getSchedule(), b.getTimezone(), now);
    } catch (Schedule.Invalid e) {
      errors.add(new FieldError(e.field(), e.getMessage()));
    }
    if (b.getCmd().isBlank() && b.getArgsCount() == 0 && b.getImage().isEmpty()) {
      errors.add(new FieldError("cmd", "one of cmd, args or image is required"));
    }
    if (!b.getCmd().isEmpty() && b.getArgsCount() > 0) errors.add(new FieldError("args", "give cmd or args, not both"));
    io.upone.core.EnvNames.check(b.getEnvMap().keySet(), "env", errors);
    if (b.getCpus() <= 0) errors.add(new FieldError("cpus", "must be greater than 0"));
    if (b.getMem() <= 0) errors.add(new FieldError("mem", "must be greater than 0"));
    if (b.getDisk() < 0) errors.add(new FieldError("disk", "must not be negative"));
    if (b.getRetryBackoffSeconds() < 0) errors.add(new FieldError("retryBackoffSeconds", "must not be negative"));
    io.upone.core.Amounts.atMost(b.getCpus(), io.upone.core.Amounts.MAX_CPUS, "cpus", errors);
    io.upone.core.Amounts.atMost(b.getMem(), io.upone.core.Amounts.MAX_MEM, "mem", errors);
    io.upone.core.Amounts.atMost(b.getDisk(), io.upone.core.Amounts.MAX_DISK, "disk", errors);
    io.upone.core.Amounts.atMost(b.getRetryBackoffSeconds(), io.upone.core.Amounts.MAX_SECONDS, "retryBackoffSeconds", errors);
    io.upone.core.AlertRoute.validate(b.getAlertChannel(), b.getAlertWebhook(), errors);
    for (int i = 0; i < b.getConstraintsCount(); i++) AppValidator.constraint(b.getConstraints(i), "constraints[" + i + "]", errors);
    if (!errors.isEmpty()) throw Problem.invalid(errors).asFailure();
    return b.build();
  }

  public static ObjectNode write(JobSpec j) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", j.getId()).put("schedule", j.getSchedule()).put("timezone", j.getTimezone());
    if (!j.getCmd().isEmpty()) o.put("cmd", j.getCmd());
    if (j.getArgsCount() > 0) j.getArgsList().forEach(o.putArray("args")::add);
    if (!j.getImage().isEmpty()) o.put("image", j.getImage());
    o.put("cpus", j.getCpus()).put("mem", j.getMem()).put("disk", j.getDisk());
    new TreeMap<>(j.getEnvMap()).forEach(o.putObject("env")::put);
    new TreeMap<>(j.getLabelsMap()).forEach(o.putObject("labels")::put);
    ArrayNode cs = o.putArray("constraints");
    for (Constraint c : j.getConstraintsList()) {
      ArrayNode a = cs.addArray().add(c.getField()).add(c.getOperator());
      if (!c.getValue().isEmpty()) a.add(c.getValue());
    }
    o.put("concurrencyPolicy", j.getConcurrencyPolicy().name()).put("missedRunPolicy", j.getMissedRunPolicy().name())
        .put("startingDeadlineSeconds", j.getStartingDeadlineSeconds()).put("retries", j.getRetries())
        .put("retryBackoffSeconds", j.getRetryBackoffSeconds()).put("runTimeoutSeconds", j.getRunTimeoutSeconds())
        .put("suspended", j.getSuspended()).put("historyLimit", j.getHistoryLimit()).put("version", j.getVersion());
    io.upone.core.AlertRoute.write(o, j.getAlertChannel(), j.getAlertWebhook());
    return o;
  }
}
