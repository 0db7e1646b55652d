package io.upone.mesos.sim;

import io.upone.mesos.MesosCodec;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * {@code POST /api/v1/scheduler}: decoding (protobuf or JSON), Mesos's call validation, the
 * {@code Mesos-Stream-Id} checks, 307 from a master that does not lead, the status codes and
 * messages of the Mesos master, and dispatching each call to the part of the master it concerns.
 */
final class SchedulerEndpoint {
  static final String PATH = "/api/v1/scheduler";
  private final SimCluster cluster;
  private final Subscriptions subscriptions;
  private final Allocator allocator;
  private final TaskRunner tasks;
  private final StatusUpdates updates;
  private final Reconciliation reconciliation;
  private final Context context;

  SchedulerEndpoint(SimCluster cluster, Subscriptions subscriptions, Allocator allocator, TaskRunner tasks,
                    StatusUpdates updates, Reconciliation reconciliation, Context context) {
    this.cluster = cluster;
    this.subscriptions = subscriptions;
    this.allocator = allocator;
    this.tasks = tasks;
    this.updates = updates;
    this.reconciliation = reconciliation;
    this.context = context;
  }

  void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> handle(req, body));
  }

  private void handle(HttpServerRequest req, Buffer body) {
    if (req.method() != HttpMethod.POST) {
      reply(req, 405, "Expecting a 'POST' request, received '" + req.method() + "'");
      return;
    }
    if (cluster.leader != null) {
      req.response().setStatusCode(307).putHeader("Location", "//" + cluster.leader + PATH).end();
      return;
    }
    String contentType = req.getHeader("Content-Type");
    if (contentType == null) {
      reply(req, 400, "Expecting 'Content-Type' to be present");
      return;
    }
    MesosCodec codec = MesosCodec.of(contentType);
    if (codec == null) {
      reply(req, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
      return;
    }
    Call call;
    try {
      call = codec.decode(body.getBytes(), Call.newBuilder());
    } catch (IllegalArgumentException e) {
      reply(req, 400, "Failed to parse body into Call protobuf: " + e.getMessage());
      return;
    }
    String invalid = validate(call);
    if (invalid != null) {
      reply(req, 400, "Failed to validate scheduler::Call: " + invalid);
      return;
    }
    if (call.getType() == Call.Type.SUBSCRIBE) {
      MesosCodec accept = MesosCodec.accepted(req.getHeader("Accept"));
      if (accept == null) {
        reply(req, 406, "Expecting 'Accept' to allow 'application/json' or 'application/x-protobuf'");
        return;
      }
      if (req.getHeader(Subscriptions.STREAM_ID) != null) {
        reply(req, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
        return;
      }
      cluster.count(call.getType());
      subscriptions.subscribe(req, call, accept);
      return;
    }
    SimFramework f = cluster.frameworks.get(call.getFrameworkId().getValue());
    if (f == null) {
      reply(req, 400, "Framework cannot be found");
      return;
    }
    if (!f.connected) {
      reply(req, 403, "Framework is not subscribed");
      return;
    }
    String streamId = req.getHeader(Subscriptions.STREAM_ID);
    if (streamId == null) {
      reply(req, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
      return;
    }
    if (!streamId.equals(f.streamId)) {
      reply(req, 400, "The stream ID '" + streamId + "' included in this request didn't match the stream ID "
          + "currently associated with framework ID " + f.id);
      return;
    }
    String refused = dispatch(f, call);
    if (refused != null) {
      reply(req, 400, refused);
      return;
    }
    cluster.count(call.getType());
    reply(req, 202, "");
  }

  static void reply(HttpServerRequest req, int status, String text) {
    HttpServerResponse r = req.response().setStatusCode(status);
    if (text.isEmpty()) {
      r.end();
    } else {
      r.putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
    }
  }

  /** The checks of Mesos's scheduler call validation, with its messages. */
  static String validate(Call c) {
    if (!c.hasType()) return "Expecting 'type' to be present";
    if (c.getType() == Call.Type.SUBSCRIBE) {
      if (!c.hasSubscribe()) return "Expecting 'subscribe' to be present";
      Protos.FrameworkInfo info = c.getSubscribe().getFrameworkInfo();
      if (c.hasFrameworkId() && !(info.hasId() && info.getId().equals(c.getFrameworkId()))) {
        return "'framework_id' differs from 'subscribe.framework_info.id'";
      }
      return null;
    }
    if (!c.hasFrameworkId()) return "Expecting 'framework_id' to be present";
    return switch (c.getType()) {
      case ACCEPT -> c.hasAccept() ? null : "Expecting 'accept' to be present";
      case DECLINE -> c.hasDecline() ? null : "Expecting 'decline' to be present";
      case KILL -> c.hasKill() ? null : "Expecting 'kill' to be present";
      case SHUTDOWN -> c.hasShutdown() ? null : "Expecting 'shutdown' to be present";
      case ACKNOWLEDGE -> {
        if (!c.hasAcknowledge()) yield "Expecting 'acknowledge' to be present";
        yield c.getAcknowledge().getUuid().size() == 16 ? null : "Failed to parse UUID from 'acknowledge.uuid'";
      }
      case RECONCILE -> c.hasReconcile() ? null : "Expecting 'reconcile' to be present";
      case MESSAGE -> c.hasMessage() ? null : "Expecting 'message' to be present";
      case REQUEST -> c.hasRequest() ? null : "Expecting 'request' to be present";
      case ACCEPT_INVERSE_OFFERS -> c.hasAcceptInverseOffers() ? null : "Expecting 'accept_inverse_offers' to be present";
      case DECLINE_INVERSE_OFFERS -> c.hasDeclineInverseOffers() ? null : "Expecting 'decline_inverse_offers' to be present";
      case UPDATE_FRAMEWORK -> c.hasUpdateFramework() ? null : "Expecting 'update_framework' to be present";
      case TEARDOWN, REVIVE, SUPPRESS, RECONCILE_OPERATIONS, ACKNOWLEDGE_OPERATION_STATUS -> null;
      default -> "Unknown call type " + c.getType();
    };
  }

  /** Applies a validated call of a subscribed framework; a non-null answer is a 400 message. */
  private String dispatch(SimFramework f, Call c) {
    switch (c.getType()) {
      case ACCEPT -> tasks.accept(f, c.getAccept());
      case DECLINE -> allocator.decline(f, c.getDecline());
      case KILL -> tasks.kill(f, c.getKill());
      case SHUTDOWN -> tasks.shutdown(f, c.getShutdown());
      case ACKNOWLEDGE -> updates.acknowledge(f, c.getAcknowledge());
      case RECONCILE -> reconciliation.reconcile(f, c.getReconcile());
      case REVIVE -> allocator.revive(f);
      case SUPPRESS -> f.suppressed = true;
      case TEARDOWN -> context.runOnContext(v -> subscriptions.remove(f, "teardown")); // after the 202
      case UPDATE_FRAMEWORK -> f.info = c.getUpdateFramework().getFrameworkInfo().toBuilder()
          .setId(Protos.FrameworkID.newBuilder().setValue(f.id)).build();
      case DECLINE_INVERSE_OFFERS, ACCEPT_INVERSE_OFFERS, MESSAGE, REQUEST, RECONCILE_OPERATIONS,
          ACKNOWLEDGE_OPERATION_STATUS -> { }
      default -> {
        return "Unsupported call " + c.getType();
      }
    }
    return null;
  }
}
