package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cron jobs end to end: one upone node, one agent, real processes. Each run's process appends
 * to a file in the test's directory, so the test counts what actually ran.
 */
class JobsTest extends MasterWithAgents {
  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:8;mem:8192;disk:1000;ports:[32000-32099]");
  }

  private String job(String id, String schedule, String cmd, String extra) {
    return "{\"id\": \"" + id + "\", \"schedule\": \"" + schedule + "\", \"cmd\": "
        + new io.vertx.core.json.JsonArray().add(cmd + " # " + marker).encode().replaceAll("^\\[|\\]$", "")
        + ", \"cpus\": 0.1, \"mem\": 16" + extra + "}";
  }

  private List<String> lines(Path f) {
    try {
      return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject runs(String id) {
    return master.get("/v1/jobs" + id + "/runs").json();
  }

  private Stream<JsonObject> history(String id) {
    return runs(id).getJsonArray("history").stream().map(o -> (JsonObject) o);
  }

  @Test
  void aJobEverySecondRunsEachInstantOnce() throws Exception {
    Path out = dir.resolve("every-second.txt");
    var created = master.post("/v1/jobs", job("/cron/tick", "* * * * * ?", "echo $UPONE_SCHEDULED_MS >> " + out, ""));
    assertEquals(201, created.status(), created.body());
    TestNode.await("4 runs recorded by the processes", WAIT, () -> lines(out).size() >= 4);
    List<String> seen = lines(out);
    Set<String> distinct = new HashSet<>(seen);
    assertEquals(seen.size(), distinct.size(), "no instant ran twice: " + seen);
    for (String ms : seen) assertEquals(0, Long.parseLong(ms) % 1000, "instants are whole seconds: " + ms);
    TestNode.await("finished runs in the history", WAIT,
        () -> history("/cron/tick").anyMatch(r -> r.getString("state").equals("FINISHED") && r.getInteger("exitCode") == 0));
    JsonObject view = master.get("/v1/jobs/cron/tick").json();
    assertTrue(view.getJsonObject("status").containsKey("nextRunAt"), view.encode());

    // suspended: no more instants planned
    assertEquals(200, master.post("/v1/jobs/cron/tick/suspend", "").status());
    JsonObject suspended = master.get("/v1/jobs/cron/tick").json();
    assertEquals("suspended", suspended.getJsonObject("status").getString("state"));
    assertTrue(suspended.getBoolean("suspended"));
    assertTrue(!suspended.getJsonObject("status").containsKey("nextRunAt"));
    assertEquals(200, master.post("/v1/jobs/cron/tick/resume", "").status());
    int before = lines(out).size();
    TestNode.await("runs again after resume", WAIT, () -> lines(out).size() > before + 1);
  }

  @Test
  void forbidRecordsOverlappingInstantsAsMissedAndNeverOverlaps() throws Exception {
    Path out = dir.resolve("forbid.txt");
    master.post("/v1/jobs", job("/cron/slow", "* * * * * ?",
        "echo start >> " + out + "; sleep 1.5; echo end >> " + out, ", \"concurrencyPolicy\": \"FORBID\""));
    TestNode.await("an instant missed because a run was active", WAIT, () -> history("/cron/slow")
        .anyMatch(r -> r.getString("state").equals("MISSED") && r.getString("message", "").contains("FORBID")));
    TestNode.await("two runs done", WAIT, () -> lines(out).stream().filter("end"::equals).count() >= 2);
    List<String> l = lines(out);
    for (int i = 0; i < l.size(); i++) assertEquals(i % 2 == 0 ? "start" : "end", l.get(i), "runs never overlap: " + l);
  }

  @Test
  void replaceKillsThePreviousRun() throws Exception {
    master.post("/v1/jobs", job("/cron/replace", "*/2 * * * * ?", "sleep 600; true", ", \"concurrencyPolicy\": \"REPLACE\""));
    TestNode.await("a run killed by its successor", WAIT, () -> history("/cron/replace")
        .anyMatch(r -> r.getString("state").equals("KILLED")));
    // never more than the newest run's process (plus one being killed) at once
    assertTrue(Procs.pids(marker).size() <= 2, "processes: " + Procs.pids(marker));
    assertTrue(runs("/cron/replace").getJsonArray("active").size() <= 2);
  }

  @Test
  void aRunPastItsTimeoutIsKilledAndFailuresAreRetried() throws Exception {
    // a schedule that will not fire during the test: runs come from "run now"
    master.post("/v1/jobs", job("/cron/hang", "0 0 1 1 *", "sleep 600; true", ", \"runTimeoutSeconds\": 1"));
    var run = master.post("/v1/jobs/cron/hang/runs", "");
    assertEquals(201, run.status(), run.body());
    assertTrue(run.json().getBoolean("manual"));
    TestNode.await("killed by its timeout", WAIT, () -> history("/cron/hang")
        .anyMatch(r -> r.getString("state").equals("KILLED")));
    assertEquals(0, Procs.pids(marker).size());

    Path out = dir.resolve("retries.txt");
    master.post("/v1/jobs", job("/cron/flaky", "0 0 1 1 *", "echo $UPONE_ATTEMPT >> " + out + "; exit 3",
        ", \"retries\": 2, \"retryBackoffSeconds\": 0.1"));
    assertEquals(201, master.post("/v1/jobs/cron/flaky/runs", "").status());
    TestNode.await("failed after 3 attempts", WAIT, () -> history("/cron/flaky")
        .anyMatch(r -> r.getString("state").equals("FAILED")));
    JsonObject failed = history("/cron/flaky").findFirst().orElseThrow();
    assertEquals(3, failed.getInteger("attempts"));
    assertEquals(3, failed.getInteger("exitCode"));
    assertEquals(List.of("1", "2", "3"), lines(out));
  }

  @Test
  void deletingAJobEndsItsRunningProcess() throws Exception {
    master.post("/v1/jobs", job("/cron/gone", "0 0 1 1 *", "sleep 600; true", ""));
    master.post("/v1/jobs/cron/gone/runs", "");
    TestNode.await("its process runs", WAIT, () -> Procs.pids(marker).size() == 1);
    // FORBID (the default) refuses a second manual run while one is active
    var second = master.post("/v1/jobs/cron/gone/runs", "");
    assertEquals(409, second.status(), second.body());
    assertEquals(200, master.delete("/v1/jobs/cron/gone").status());
    assertEquals(404, master.get("/v1/jobs/cron/gone").status());
    TestNode.await("its process ended", WAIT, () -> Procs.pids(marker).isEmpty());
  }

  @Test
  void badJobsAreRefusedNamingTheFieldAndNothingIsWritten() {
    long before = master.lastEventIndex();
    var never = master.post("/v1/jobs", job("/cron/bad", "0 0 30 2 *", "true", ""));
    assertEquals(400, never.status());
    assertEquals("schedule", never.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertTrue(never.json().getJsonArray("errors").getJsonObject(0).getString("reason").contains("never fires"), never.body());
    var zone = master.post("/v1/jobs", job("/cron/bad", "@daily", "true", ", \"timezone\": \"Mars/Olympus\""));
    assertEquals(400, zone.status());
    assertEquals("timezone", zone.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    var policy = master.post("/v1/jobs", job("/cron/bad", "@daily", "true", ", \"concurrencyPolicy\": \"SOMETIMES\""));
    assertEquals(400, policy.status());
    assertEquals("concurrencyPolicy", policy.json().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(404, master.post("/v1/jobs/cron/nope/runs", "").status());
    assertEquals(before, master.lastEventIndex(), "nothing appended");
    // an app and a job cannot share an id
    assertEquals(201, master.post("/v1/apps", "{\"id\": \"/shared\", \"cmd\": \"sleep 1\", \"instances\": 0}").status());
    var taken = master.post("/v1/jobs", job("/shared", "@daily", "true", ""));
    assertEquals(409, taken.status(), taken.body());
    assertEquals(List.of(), master.get("/v1/jobs").json().getJsonArray("jobs").getList());
  }
}
