package io.upone.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Why pending" and "what if" against a real master with two agents (racks a and b): the answer
 * names the filter that blocks an app, and what-if writes nothing.
 */
class PlacementApiTest extends MasterWithAgents {
  @BeforeEach
  void start() throws Exception {
    startWithAgents("a", "cpus:2;mem:2048;disk:1000;ports:[32000-32099]", "b", "cpus:2;mem:2048;disk:1000;ports:[32100-32199]");
  }

  private String app(String id, int instances, String extra) {
    return sleepApp(id, instances, extra);
  }

  private JsonObject placement(String id) {
    return master.get("/v1/apps" + id + "/placement").json();
  }

  @Test
  void anAppWhoseConstraintCannotBeMetSaysWhichFilterBlocksIt() throws Exception {
    assertEquals(201, master.post("/v1/apps", app("/why/rack-c", 2, ", \"constraints\": [[\"rack\", \"IS\", \"c\"]]")).status());
    // agents offer one at a time: wait until both have been turned down
    TestNode.await("a report on both agents", WAIT, () -> placement("/why/rack-c").getValue("report") != null
        && placement("/why/rack-c").getJsonObject("report").getInteger("offersConsidered") >= 2);
    JsonObject p = placement("/why/rack-c");
    assertEquals(2, p.getInteger("pending"));
    JsonObject report = p.getJsonObject("report");
    assertEquals(0, report.getInteger("placed"));
    assertEquals(2, report.getJsonObject("rejected").getInteger("IS(rack:c)"), p.encode());
    assertTrue(report.getString("summary").contains("IS(rack:c)"), report.getString("summary"));
    assertTrue(p.getString("lastOffersAt") != null);

    // too big for any agent: the resource is named
    assertEquals(201, master.post("/v1/apps", app("/why/huge", 1, "").replace("\"cpus\": 0.1", "\"cpus\": 64")).status());
    TestNode.await("both agents refused for cpus", WAIT, () -> placement("/why/huge").getValue("report") != null
        && Integer.valueOf(2).equals(placement("/why/huge").getJsonObject("report").getJsonObject("rejected").getInteger("cpus")));

    // an app that runs has nothing pending
    assertEquals(201, master.post("/v1/apps", app("/why/fine", 1, "")).status());
    TestNode.await("running", WAIT, () -> placement("/why/fine").getInteger("pending") == 0
        && master.get("/v1/apps/why/fine").json().getInteger("tasksRunning") == 1);
    assertEquals(404, master.get("/v1/apps/why/nope/placement").status());
  }

  @Test
  void whatIfSaysWhereASpecWouldFitAndWritesNothing() throws Exception {
    long before = master.lastEventIndex();
    TestNode.Resp r = master.post("/v1/placement/what-if",
        app("/plan/web", 3, ", \"constraints\": [[\"hostname\", \"UNIQUE\"]]"));
    assertEquals(200, r.status(), r.body());
    JsonObject w = r.json();
    assertEquals(3, w.getInteger("requested"));
    assertEquals(2, w.getInteger("fits"), w.encode());
    assertEquals(2, w.getJsonArray("agents").size());
    assertEquals(1, w.getJsonObject("report").getJsonObject("rejected").getInteger("UNIQUE(hostname)") > 0 ? 1 : 0, w.encode());
    assertEquals(before, master.lastEventIndex(), "what-if writes nothing");
    assertEquals(404, master.get("/v1/apps/plan/web").status());

    // only rack b
    JsonObject b = master.post("/v1/placement/what-if", app("/plan/b", 2, ", \"constraints\": [[\"rack\", \"LIKE\", \"b\"]]")).json();
    assertEquals(2, b.getInteger("fits"));
    assertEquals("host-b", b.getJsonArray("agents").getJsonObject(0).getString("hostname"));
    assertEquals(1, b.getJsonObject("report").getJsonObject("rejected").getInteger("LIKE(rack:b)"));

    // bad input names the constraint and writes nothing
    TestNode.Resp bad = master.post("/v1/placement/what-if", app("/plan/bad", 1, ", \"constraints\": [[\"hostname\", \"LIKE\", \"(\"]]"));
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.json().getJsonArray("errors").getJsonObject(0).getString("field").startsWith("constraints[0]"), bad.body());
    TestNode.Resp task = master.post("/v1/placement/what-if", app("/plan/bad", 1, ", \"constraints\": [[\"task:role\", \"UNIQUE\"]]"));
    assertEquals(400, task.status(), task.body());
    assertEquals(before, master.lastEventIndex());
    assertNull(master.get("/v1/apps").json().getJsonArray("apps").stream().findFirst().orElse(null));
  }
}
