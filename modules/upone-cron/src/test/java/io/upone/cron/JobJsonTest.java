package io.upone.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.proto.ConcurrencyPolicy;
import io.upone.core.proto.JobSpec;
import io.upone.core.proto.MissedRunPolicy;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobJsonTest {
  static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

  private static Set<String> fieldsOf(String body) {
    Problem p = assertThrows(Problem.Failure.class, () -> JobJson.read(body, null, NOW)).problem();
    assertEquals(Problem.Kind.INVALID, p.kind());
    return p.errors().stream().map(FieldError::field).collect(Collectors.toSet());
  }

  @Test
  void aFullJobReadsAndWritesBack() {
    String body = """
        {"id": "reports/nightly", "schedule": "30 2 * * *", "timezone": "Europe/Berlin", "cmd": "./report.sh",
         "cpus": 0.5, "mem": 256, "env": {"MODE": "full"}, "constraints": [["rack", "IS", "a"]],
         "concurrencyPolicy": "REPLACE", "missedRunPolicy": "RUN_LATEST", "startingDeadlineSeconds": 300,
         "retries": 2, "retryBackoffSeconds": 5, "runTimeoutSeconds": 3600, "historyLimit": 50}""";
    JobSpec j = JobJson.read(body, null, NOW);
    assertEquals("/reports/nightly", j.getId());
    assertEquals(ConcurrencyPolicy.REPLACE, j.getConcurrencyPolicy());
    assertEquals(MissedRunPolicy.RUN_LATEST, j.getMissedRunPolicy());
    assertEquals(3600, j.getRunTimeoutSeconds());
    assertEquals(j, JobJson.read(JobJson.write(j).toString(), null, NOW), "write then read gives the same job");
  }

  @Test
  void defaults() {
    JobSpec j = JobJson.read("{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\"}", null, NOW);
    assertEquals("UTC", j.getTimezone());
    assertEquals(ConcurrencyPolicy.FORBID, j.getConcurrencyPolicy());
    assertEquals(MissedRunPolicy.RUN_ALL, j.getMissedRunPolicy());
    assertEquals(60, j.getStartingDeadlineSeconds());
    assertEquals(20, j.getHistoryLimit());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"id\": \"/j\", \"schedule\": \"0 0 30 2 *\", \"cmd\": \"date\"} | schedule",
      "{\"id\": \"/j\", \"schedule\": \"61 * * * *\", \"cmd\": \"date\"} | schedule",
      "{\"id\": \"/j\", \"cmd\": \"date\"} | schedule",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"timezone\": \"Moon/Base\", \"cmd\": \"date\"} | timezone",
      "{\"id\": \"/J\", \"schedule\": \"@hourly\", \"cmd\": \"date\"} | id",
      "{\"schedule\": \"@hourly\", \"cmd\": \"date\"} | id",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\"} | cmd",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\", \"concurrencyPolicy\": \"SOMETIMES\"} | concurrencyPolicy",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\", \"retries\": -1} | retries",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\", \"cpus\": 0} | cpus",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\", \"cron\": \"x\"} | cron",
      "{\"id\": \"/j\", \"schedule\": \"@hourly\", \"cmd\": \"date\", \"constraints\": [[\"host\", \"NEAR\"]]} | constraints[0]"})
  void badJobsNameTheField(String body, String field) {
    Set<String> fields = fieldsOf(body);
    assertTrue(fields.contains(field), "expected " + field + " in " + fields);
  }

  @Test
  void everyProblemAtOnce() {
    Set<String> fields = fieldsOf("{\"id\": \"/J\", \"schedule\": \"nope\", \"timezone\": \"X/Y\", \"cpus\": -1}");
    assertTrue(fields.containsAll(Set.of("id", "timezone", "cmd", "cpus")), fields.toString());
  }
}
