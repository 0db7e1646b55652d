package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.server.config.ServerConfig;
import io.upone.server.config.SchedulerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a member of a live group through the members API: a fourth node joins (learner,
 * then voter), the old one is removed and stopped, and the new one ends up leading, while an
 * app runs, a job fires every second and a client keeps writing. No acknowledged write may be
 * lost, no instant missed or run twice.
 */
class MembershipTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final List<TestNode> nodes = new ArrayList<>();
  TestAgents agents;
  final String marker = "upone-test-" + UUID.randomUUID();

  @AfterEach
  void stop() throws Exception {
    if (agents != null) agents.close();
    TestNode.closeAll(nodes);
    Procs.cleanUp(marker);
  }

  private List<Long> recorded(Path f) {
    try {
      if (!Files.exists(f)) return List.of();
      return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject member(JsonObject members, String raft) {
    for (Object o : members.getJsonArray("members")) {
      if (((JsonObject) o).getString("raft").equals(raft)) return (JsonObject) o;
    }
    return null;
  }

  private JsonObject members(TestNode via) {
    TestNode.Resp r = via.get("/v1/cluster/members");
    return r.status() == 200 ? r.json() : new JsonObject().put("members", new JsonArray());
  }

  /** An operator's request: during an election the answer is 503 "retry", so retry it. */
  private static TestNode.Resp retrying(java.util.function.Supplier<TestNode.Resp> request) throws InterruptedException {
    TestNode.Resp[] last = new TestNode.Resp[1];
    TestNode.await("an answer other than 503", WAIT, () -> (last[0] = request.get()).status() != 503);
    return last[0];
  }

  private String raftOf(TestNode n) {
    return n.config.self().raftEndpoint();
  }

  @Test
  void aMemberIsReplacedWhileAppsRunAndCronFires() throws Exception {
    for (ServerConfig c : TestNode.group(dir)) {
      nodes.add(new TestNode(c.withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000))));
    }
    for (TestNode n : nodes) n.start();
    TestNode old = nodes.get(0);
    TestNode stays = nodes.get(1);
    TestNode.leaderOf(nodes);
    agents = new TestAgents(dir);
    agents.start(nodes.stream().map(TestNode::url).collect(Collectors.joining(",")), "a",
        "cpus:8;mem:8192;disk:1000;ports:[32200-32299]");
    assertEquals(201, stays.post("/v1/apps", "{\"id\": \"/svc/web\", \"cmd\": \"sleep 600 # " + marker
        + "\", \"instances\": 2, \"cpus\": 0.1, \"mem\": 16}").status());
    Path out = dir.resolve("runs.txt");
    assertEquals(201, stays.post("/v1/jobs", "{\"id\": \"/ha/tick\", \"schedule\": \"* * * * * ?\", \"cmd\": \"echo "
        + "$UPONE_SCHEDULED_MS >> " + out + " # " + marker + "\", \"cpus\": 0.05, \"mem\": 8, \"concurrencyPolicy\": \"ALLOW\"}").status());
    TestNode.await("the job fires", WAIT, () -> recorded(out).size() >= 3);

    // bad requests change nothing and say why
    TestNode.Resp bad = stays.post("/v1/cluster/members", "{\"raft\": \"no-port\", \"http\": \"ftp://x\"}");
    assertEquals(400, bad.status(), bad.body());
    Set<String> fields = bad.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).collect(Collectors.toSet());
    assertEquals(Set.of("raft", "http"), fields);
    int nowhere = TestNode.freePort();
    TestNode.Resp unreachable = stays.post("/v1/cluster/members", "{\"raft\": \"127.0.0.1:" + nowhere
        + "\", \"http\": \"http://127.0.0.1:" + nowhere + "\"}");
    assertEquals(409, unreachable.status(), unreachable.body());
    assertEquals("member_unreachable", unreachable.json().getString("code"));
    assertEquals(404, stays.delete("/v1/cluster/members/127.0.0.1:" + nowhere).status());
    assertEquals("not_a_voter", stays.post("/v1/cluster/leader", "{\"raft\": \"127.0.0.1:" + nowhere + "\"}").json().getString("code"));
    assertEquals(3, members(stays).getJsonArray("members").size());

    // a client writes through a member that stays, throughout; it keeps what was acknowledged
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int i = 0; writing.get(); i++) {
        String id = "/w/app-" + i;
        TestNode.Resp r = stays.post("/v1/apps", "{\"id\": \"" + id + "\", \"cmd\": \"true\", \"instances\": 0}");
        // 409 app_exists: an earlier try of the same id was committed after all
        if (r.status() == 201 || (r.status() == 409 && r.body().contains("app_exists"))) acked.add(id);
        else i--;
      }
    });

    // the new member joins (learner, then voter) through --join's path
    ServerConfig fourth = ServerConfig.single(dir.resolve("n4"), TestNode.freePort(), TestNode.freePort())
        .withScheduler(SchedulerConfig.defaults().withAgentTimeout(200, 5000));
    TestNode added = new TestNode(fourth);
    added.server = Join.start(fourth, stays.url()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    nodes.add(added);
    TestNode.await("the fourth member is a voter", WAIT, () -> {
      JsonObject ms = members(stays);
      JsonObject m = member(ms, raftOf(added));
      return m != null && m.getString("role").equals("voter") && ms.getJsonObject("change") != null
          && ms.getJsonObject("change").getString("stage").equals("done");
    });
    JsonObject change = members(stays).getJsonObject("change");
    assertEquals("add", change.getString("op"));
    assertTrue(change.getLong("learnerAppliedIndex") >= change.getLong("targetIndex"), change.encode());

    // the old member hands over leadership if it has it, is removed, and its machine goes away
    // (under load leadership may move between the two steps: then hand over again)
    TestNode.Resp[] removed = new TestNode.Resp[1];
    TestNode.await("the old member removed", WAIT, () -> {
      if (old.server.log().isLeader()) {
        old.post("/v1/cluster/leader", "{\"raft\": \"" + raftOf(stays) + "\"}");
        return false;
      }
      removed[0] = stays.delete("/v1/cluster/members/" + raftOf(old));
      return removed[0].status() == 200;
    });
    assertEquals(null, member(removed[0].json(), raftOf(old)));
    old.stop();
    nodes.remove(old);
    TestNode.await("three members", WAIT, () -> members(stays).getJsonArray("members").size() == 3);

    // the new member leads: followers forward writes to it by the address the log gave them
    TestNode.Resp handover = retrying(() -> stays.post("/v1/cluster/leader", "{\"raft\": \"" + raftOf(added) + "\"}"));
    assertTrue(handover.status() == 202 || handover.status() == 200, handover.body());
    TestNode.await("the new member leads", WAIT, () -> added.server.log().isLeader());
    TestNode.await("followers know where it answers", WAIT, () -> added.url().equals(
        stays.get("/v1/cluster").json().getJsonObject("leader", new JsonObject()).getString("http")));
    int ackedBefore = acked.size();
    TestNode.await("writes go on through a follower", WAIT, () -> acked.size() >= ackedBefore + 20);
    int firesBefore = recorded(out).size();
    TestNode.await("the job fires under the new leader", WAIT, () -> recorded(out).size() >= firesBefore + 4);
    writing.set(false);
    writer.get(60, TimeUnit.SECONDS);

    assertEquals(200, added.post("/v1/jobs/ha/tick/suspend", "").status());
    TestNode.await("no run left active", WAIT,
        () -> added.get("/v1/jobs/ha/tick/runs").json().getJsonArray("active").isEmpty());

    // no acknowledged write lost, on the new member as on every other
    for (TestNode n : nodes) {
      TestNode.await("member caught up", WAIT, () -> n.lastEventIndex() == added.lastEventIndex());
      List<String> lost = acked.stream().filter(id -> n.server.log().state().app(id).isEmpty()).toList();
      assertEquals(List.of(), lost, "acknowledged apps missing on " + raftOf(n));
      assertEquals(added.server.log().state().hash(), n.server.log().state().hash());
    }
    TestNode.await("the app still runs its 2 tasks", WAIT,
        () -> added.get("/v1/apps/svc/web/tasks").body().split("TASK_RUNNING", -1).length - 1 == 2);

    // every instant of the window ran exactly once
    List<Long> runs = recorded(out);
    Map<Long, Integer> counts = new TreeMap<>();
    for (long t : runs) counts.merge(t, 1, Integer::sum);
    Map<Long, Integer> twice = new HashMap<>();
    counts.forEach((t, n) -> {
      if (n > 1) twice.put(t, n);
    });
    assertEquals(Map.of(), twice, "instants that ran more than once");
    long from = runs.stream().mapToLong(Long::longValue).min().orElseThrow();
    long to = runs.stream().mapToLong(Long::longValue).max().orElseThrow();
    List<Long> skipped = new ArrayList<>();
    for (long t = from; t <= to; t += 1000) if (!counts.containsKey(t)) skipped.add(t);
    assertEquals(List.of(), skipped, "instants inside the window that never ran");

    // with one of three voters down, removing another live one would leave no majority: refused
    TestNode down = nodes.stream().filter(n -> n != added).findFirst().orElseThrow();
    down.stop();
    TestNode.await("the leader sees the member gone", WAIT, () -> {
      JsonObject m = member(members(added), raftOf(down));
      return m != null && Boolean.FALSE.equals(m.getBoolean("alive"));
    });
    String leaderNow = added.server.log().leaderEndpoint().orElseThrow();
    TestNode other = nodes.stream().filter(n -> n != down && !raftOf(n).equals(leaderNow)).findFirst().orElseThrow();
    TestNode.Resp refused = retrying(() -> added.delete("/v1/cluster/members/" + raftOf(other)));
    assertEquals(409, refused.status(), refused.body());
    assertEquals("quorum_at_risk", refused.json().getString("code"));
    TestNode.Resp self = retrying(() -> added.delete("/v1/cluster/members/" + leaderNow));
    assertEquals("member_is_leader", self.json().getString("code"));
    assertEquals(3, retrying(() -> added.get("/v1/cluster/members")).json().getJsonArray("members").size(), "nothing changed");
  }
}
