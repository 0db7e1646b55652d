package io.upone.server.http;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.proto.Event;
import io.upone.core.proto.MemberAddressed;
import io.upone.core.proto.Proposal;
import io.upone.eventlog.EventLog;
import io.upone.eventlog.RaftEventLog;
import io.upone.eventlog.RaftMembership;
import io.upone.server.config.Peer;
import io.upone.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The raft group's membership over HTTP, answered by the leader (followers forward):
 * {@code GET /v1/cluster/members}; {@code POST /v1/cluster/members} adds a member as a learner
 * and promotes it to voter once it has caught up; {@code DELETE /v1/cluster/members/{raft}}
 * removes one; {@code POST /v1/cluster/leader} hands leadership over. One change at a time,
 * and none that would leave the group without a live majority.
 */
public final class MembersApi {
  /** How often the leader asks a learner how far it has applied. */
  private static final long CATCH_UP_POLL_MS = 200;
  /** A learner whose applied index has not moved for this long has stopped catching up. */
  private static final long STALLED_MS = 60_000;

  private final Vertx vertx;
  private final EventLog log;
  private final ServerConfig config;
  private final LeaderForwarder forwarder;
  private final HttpClient client;
  /** The change in progress, or the latest one (touched on this verticle's context only). */
  private MemberChange change;

  public MembersApi(Vertx vertx, EventLog log, ServerConfig config, LeaderForwarder forwarder) {
    this.vertx = vertx;
    this.log = log;
    this.config = config;
    this.forwarder = forwarder;
    this.client = vertx.createHttpClient(config.security().tls()
        ? new io.vertx.core.http.HttpClientOptions().setTrustOptions(ApiExposure.peerTrust(config.security()))
        : new io.vertx.core.http.HttpClientOptions());
  }

  public void mount(Router r) {
    r.get("/v1/cluster/members").handler(c -> onLeader(c, this::list));
    r.post("/v1/cluster/members").handler(c -> onLeader(c, this::add));
    r.delete("/v1/cluster/members/:raft").handler(c -> onLeader(c, this::remove));
    r.post("/v1/cluster/leader").handler(c -> onLeader(c, this::transfer));
  }

  private interface Handler {
    void handle(RoutingContext ctx, RaftMembership m);
  }

  private void onLeader(RoutingContext ctx, Handler h) {
    if (!(log instanceof RaftEventLog raft)) {
      Problems.send(ctx.response(), conflict("no_membership", "this event log has no raft group", null));
    } else if (!log.isLeader()) {
      forwarder.forward(ctx);
    } else {
      h.handle(ctx, raft.membership());
    }
  }

  // ---- GET ---------------------------------------------------------------------------------

  private void list(RoutingContext ctx, RaftMembership m) {
    ctx.json(view(m.members()));
  }

  private JsonObject view(RaftMembership.Members ms) {
    String leader = log.leaderEndpoint().orElse("");
    JsonArray out = new JsonArray();
    for (String v : ms.voters()) out.add(member(v, "voter", ms, leader));
    for (String l : ms.learners()) out.add(member(l, "learner", ms, leader));
    return new JsonObject().put("leader", leader).put("members", out)
        .put("change", change == null ? null : change.json());
  }

  private JsonObject member(String raft, String role, RaftMembership.Members ms, String leader) {
    return new JsonObject().put("raft", raft).put("http", httpOf(raft)).put("role", role)
        .put("alive", ms.fromLeader() ? ms.alive().contains(raft) : null).put("leader", raft.equals(leader));
  }

  private String httpOf(String raft) {
    String url = config.httpUrlOf(raft);
    return url != null ? url : log.view().memberUrl(raft).orElse(null);
  }

  // ---- POST: add ---------------------------------------------------------------------------

  private void add(RoutingContext ctx, RaftMembership m) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      Problems.send(ctx.response(), Problem.invalid("body", "must be a JSON object {\"raft\": \"host:port\", \"http\": \"http://host:port\"}"));
      return;
    }
    List<FieldError> errors = new ArrayList<>();
    for (String k : body.fieldNames()) if (!k.equals("raft") && !k.equals("http")) errors.add(new FieldError(k, "unknown field"));
    String raft = body.getValue("raft") instanceof String s ? s.trim() : null;
    String http = body.getValue("http") instanceof String s ? s.trim().replaceAll("/+$", "") : null;
    if (raft == null || !raft.matches("[\\x21-\\x7e&&[^:/]]{1,253}:\\d{1,5}")) errors.add(new FieldError("raft", "must be the new member's raft endpoint host:port"));
    if (http == null || !validHttp(http)) errors.add(new FieldError("http", "must be the new member's HTTP URL http://host:port"));
    if (!errors.isEmpty()) {
      Problems.send(ctx.response(), Problem.invalid(errors));
      return;
    }
    if (busy(ctx)) return;
    RaftMembership.Members ms = m.members();
    if (ms.voters().contains(raft)) {
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end(view(ms).put("message", raft + " is already a voter; nothing changed").encode());
      return;
    }
    MemberChange c = new MemberChange("add", raft, http);
    c.auth = ctx.request().getHeader("Authorization"); // the new member may check tokens too: ask it as this caller
    change = c;
    probe(http, c.auth).onComplete(ar -> {
      String problem = ar.failed() ? "the new member's HTTP API at " + http + " did not answer: " + ar.cause().getMessage()
          : !raft.equals(ar.result().getJsonObject("self", new JsonObject()).getString("raft"))
          ? "the node at " + http + " has raft endpoint " + ar.result().getJsonObject("self", new JsonObject()).getString("raft")
            + ", not " + raft : null;
      if (problem != null) {
        c.fail(problem);
        Problems.send(ctx.response(), conflict(ar.failed() ? "member_unreachable" : "member_mismatch", problem, "http"));
        return;
      }
      ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
          .putHeader("Location", "/v1/cluster/members").end(view(ms).encode());
      addAsLearner(m, c, ms.learners().contains(raft));
    });
  }

  private static boolean validHttp(String url) {
    try {
      URI u = URI.create(url);
      return url.length() <= 2048 && url.chars().allMatch(c -> c > 0x20 && c < 0x7f)
          && ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getPort() > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Records the HTTP URLs in the log, adds the learner, waits until it has caught up, promotes it. */
  private void addAsLearner(RaftMembership m, MemberChange c, boolean alreadyLearner) {
    c.stage = "adding_learner";
    announce(c.member, c.http)
        .compose(v -> alreadyLearner ? Future.<Void>succeededFuture() : Future.fromCompletionStage(m.addLearner(c.member), vertx.getOrCreateContext()))
        .onSuccess(v -> {
          c.stage = "catching_up";
          c.targetIndex = log.cluster().committedEntryIndex();
          c.progressAtMs = System.currentTimeMillis();
          catchUp(m, c);
        })
        .onFailure(t -> c.fail(t.getMessage()));
  }

  private void catchUp(RaftMembership m, MemberChange c) {
    if (c.ended()) return;
    probe(c.http, c.auth).onComplete(ar -> {
      if (c.ended()) return;
      long now = System.currentTimeMillis();
      if (ar.succeeded()) {
        long applied = ar.result().getLong("appliedIndex", 0L);
        if (applied > c.memberApplied) c.progressAtMs = now;
        c.memberApplied = applied;
        if (applied >= c.targetIndex) {
          promote(m, c);
          return;
        }
      }
      if (now - c.progressAtMs > STALLED_MS) {
        c.fail("the learner " + c.member + " stopped catching up (applied " + c.memberApplied + " of " + c.targetIndex
            + "); it stays a learner: remove it, or add it again");
        return;
      }
      vertx.setTimer(CATCH_UP_POLL_MS, id -> catchUp(m, c));
    });
  }

  private void promote(RaftMembership m, MemberChange c) {
    c.stage = "promoting";
    Future.fromCompletionStage(m.promote(c.member), vertx.getOrCreateContext())
        .onSuccess(v -> c.done())
        .onFailure(t -> c.fail(t.getMessage()));
  }

  /**
   * Writes the new member's HTTP URL to the log, and those of the members this node was started
   * with, so that every node (the new one too) can forward writes to whichever member leads.
   */
  private Future<Void> announce(String raft, String http) {
    Set<Peer> known = new LinkedHashSet<>(config.peers());
    known.add(new Peer(raft, http));
    Proposal.Builder p = Proposal.newBuilder();
    long now = System.currentTimeMillis();
    for (Peer peer : known) {
      if (peer.httpUrl().equals(log.view().memberUrl(peer.raftEndpoint()).orElse(null))) continue;
      p.addEvents(Event.newBuilder().setTimestampMs(now).setMemberAddressed(MemberAddressed.newBuilder()
          .setRaftEndpoint(peer.raftEndpoint()).setHttpUrl(peer.httpUrl())));
    }
    if (p.getEventsCount() == 0) return Future.succeededFuture();
    return Future.fromCompletionStage(log.append(p.build()), vertx.getOrCreateContext()).mapEmpty();
  }

  private Future<JsonObject> probe(String http, String auth) {
    URI u = URI.create(http);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(u.getHost()).setPort(u.getPort())
        .setURI("/v1/cluster").setTimeout(3000).setSsl("https".equals(u.getScheme()));
    if (auth != null) o.putHeader("Authorization", auth);
    return client.request(o)
        .compose(req -> req.send())
        .compose(res -> res.statusCode() == 200 ? res.body() : Future.failedFuture("HTTP " + res.statusCode()))
        .map(b -> b.toJsonObject());
  }

  // ---- DELETE ------------------------------------------------------------------------------

  private void remove(RoutingContext ctx, RaftMembership m) {
    String raft = ctx.pathParam("raft");
    RaftMembership.Members ms = m.members();
    boolean voter = ms.voters().contains(raft);
    if (!voter && !ms.learners().contains(raft)) {
      Problems.send(ctx.response(), Problem.notFound("member_not_found", raft + " is not a member; members: " + ms.voters()
          + (ms.learners().isEmpty() ? "" : ", learners: " + ms.learners())));
      return;
    }
    if (change != null && !change.ended() && change.member.equals(raft)) {
      change.fail("cancelled: the member is being removed");
    } else if (busy(ctx)) {
      return;
    }
    if (raft.equals(log.leaderEndpoint().orElse(""))) {
      Problems.send(ctx.response(), conflict("member_is_leader", raft + " leads the group; hand leadership to another "
          + "member first (POST /v1/cluster/leader), then remove it", "raft"));
      return;
    }
    if (voter) {
      List<String> after = ms.voters().stream().filter(v -> !v.equals(raft)).toList();
      long aliveAfter = after.stream().filter(ms.alive()::contains).count();
      int majority = after.size() / 2 + 1;
      if (aliveAfter < majority) {
        Problems.send(ctx.response(), conflict("quorum_at_risk", "without " + raft + " the group would have " + after.size()
            + " voters of which " + aliveAfter + " answer; a majority needs " + majority + ". Bring members back or add one first", "raft"));
        return;
      }
    }
    MemberChange c = new MemberChange("remove", raft, httpOf(raft));
    c.stage = "removing";
    change = c;
    Future.fromCompletionStage(m.remove(raft), vertx.getOrCreateContext())
        .compose(v -> Future.fromCompletionStage(log.append(Proposal.newBuilder().addEvents(Event.newBuilder()
            .setTimestampMs(System.currentTimeMillis()).setMemberAddressed(MemberAddressed.newBuilder()
                .setRaftEndpoint(raft).setHttpUrl(""))).build()), vertx.getOrCreateContext()))
        .onSuccess(v -> {
          c.done();
          ctx.json(view(m.members()));
        })
        .onFailure(t -> {
          c.fail(t.getMessage());
          Problems.send(ctx.response(), new Problem(Problem.Kind.UNAVAILABLE, "change_failed",
              "removing " + raft + " failed: " + t.getMessage(), List.of()));
        });
  }

  // ---- POST: leader ------------------------------------------------------------------------

  private void transfer(RoutingContext ctx, RaftMembership m) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    String raft = body != null && body.getValue("raft") instanceof String s ? s.trim() : null;
    if (body != null) {
      for (String k : body.fieldNames()) {
        if (!k.equals("raft")) {
          Problems.send(ctx.response(), Problem.invalid(k, "unknown field"));
          return;
        }
      }
    }
    if (raft == null) {
      Problems.send(ctx.response(), Problem.invalid("raft", "must name the voter to lead, host:port"));
      return;
    }
    RaftMembership.Members ms = m.members();
    if (!ms.voters().contains(raft)) {
      Problems.send(ctx.response(), conflict("not_a_voter", raft + " is not a voter; voters: " + ms.voters(), "raft"));
      return;
    }
    if (raft.equals(log.leaderEndpoint().orElse(""))) {
      ctx.json(view(ms).put("message", raft + " already leads; nothing changed"));
      return;
    }
    if (busy(ctx)) return;
    if (!ms.alive().contains(raft)) {
      Problems.send(ctx.response(), conflict("member_unreachable", raft + " does not answer the leader; it cannot lead", "raft"));
      return;
    }
    try {
      m.transferLeadership(raft);
    } catch (IllegalStateException e) {
      Problems.send(ctx.response(), conflict("transfer_refused", e.getMessage(), "raft"));
      return;
    }
    ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("transferringTo", raft).encode());
  }

  // ---- shared ------------------------------------------------------------------------------

  private boolean busy(RoutingContext ctx) {
    if (change == null || change.ended()) return false;
    Problems.send(ctx.response(), conflict("change_in_progress", "a membership change is in progress (" + change.op + " "
        + change.member + ", " + change.stage + "); one change at a time: retry when GET /v1/cluster/members shows it ended", null));
    return true;
  }

  private static Problem conflict(String code, String message, String field) {
    return field == null ? new Problem(Problem.Kind.CONFLICT, code, message, List.of())
        : new Problem(Problem.Kind.CONFLICT, code, message, List.of(new FieldError(field, message)));
  }

  public void close() {
    client.close();
  }
}
