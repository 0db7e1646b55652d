package io.upone.server.http;

import io.vertx.core.json.JsonObject;

/**
 * One membership change as the leader carries it out: what, on whom, how far. Mutated only on
 * the members API's context; shown by {@code GET /v1/cluster/members} while it runs and after.
 */
final class MemberChange {
  /** The Authorization of whoever asked for the change: the probes of the new member go as that caller. */
  String auth;
  final String op;
  final String member;
  final String http;
  final long startedAtMs = System.currentTimeMillis();
  String stage = "checking";
  String message;
  long endedAtMs;
  /** add: the leader's commit index the learner must reach before it is promoted. */
  long targetIndex;
  long memberApplied;
  long progressAtMs;

  MemberChange(String op, String member, String http) {
    this.op = op;
    this.member = member;
    this.http = http;
  }

  boolean ended() {
    return endedAtMs != 0;
  }

  void done() {
    stage = "done";
    endedAtMs = System.currentTimeMillis();
  }

  void fail(String why) {
    stage = "failed";
    message = why;
    endedAtMs = System.currentTimeMillis();
  }

  JsonObject json() {
    JsonObject j = new JsonObject().put("op", op).put("member", member).put("http", http).put("stage", stage)
        .put("startedAtMs", startedAtMs);
    if (op.equals("add")) j.put("learnerAppliedIndex", memberApplied).put("targetIndex", targetIndex);
    if (ended()) j.put("endedAtMs", endedAtMs).put("tookMs", endedAtMs - startedAtMs);
    if (message != null) j.put("message", message);
    return j;
  }
}
