package io.upone.server.driver;

import io.upone.core.Problem;
import io.upone.core.state.Task;
import io.upone.eventlog.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /v1/tasks/{id}/logs?stream=stdout|stderr&bytes=N&follow=true|false} on the leader:
 * the end of a task's output, read from the agent that runs it; with {@code follow} the answer
 * stays open and new output is sent as it comes (asked of the agent every second from where the
 * last answer ended), until the client goes or the task has ended and said everything.
 */
final class TaskLogs {
  private static final long FOLLOW_EVERY_MS = 1000;
  private final Vertx vertx;
  private final EventLog log;
  private final HttpClient client;
  private final Function<String, Future<String>> agentUrl;

  private final String agentSecret;

  TaskLogs(Vertx vertx, EventLog log, HttpClient client, Function<String, Future<String>> agentUrl, String agentSecret) {
    this.agentSecret = agentSecret;
    this.vertx = vertx;
    this.log = log;
    this.client = client;
    this.agentUrl = agentUrl;
  }

  void handle(RoutingContext ctx) {
    String taskId = ctx.pathParam("id");
    String stream = ctx.request().getParam("stream", "stdout");
    String follow = ctx.request().getParam("follow", "false");
    String bytes = ctx.request().getParam("bytes", "65536");
    if (!stream.equals("stdout") && !stream.equals("stderr")) {
      ctx.fail(Problem.invalid("stream", "must be stdout or stderr").asFailure());
      return;
    }
    if (!follow.equals("true") && !follow.equals("false")) {
      ctx.fail(Problem.invalid("follow", "must be true or false").asFailure());
      return;
    }
    if (!bytes.matches("[0-9]{1,7}")) {
      ctx.fail(Problem.invalid("bytes", "must be a number of bytes up to 4194304").asFailure());
      return;
    }
    Task t = log.view().task(taskId).orElse(null);
    if (t == null) {
      ctx.fail(Problem.notFound("task_not_found", "task " + taskId + " does not exist (or has ended and been forgotten)")
          .asFailure());
      return;
    }
    agentUrl.apply(t.agentId()).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        ctx.fail(new Problem(Problem.Kind.UNAVAILABLE, "agent_unknown", "agent " + t.agentId() + " of task " + taskId
            + " is not registered with this leader now; retry", List.of()).asFailure());
        return;
      }
      String base = ar.result() + "/v1/tasks/" + taskId + "/logs?stream=" + stream;
      fetch(base + "&bytes=" + bytes).onComplete(first -> {
        if (first.failed()) {
          ctx.fail(new Problem(Problem.Kind.UNAVAILABLE, "agent_unreachable", "agent " + t.agentId() + " did not answer: "
              + first.cause().getMessage(), List.of()).asFailure());
          return;
        }
        HttpServerResponse res = ctx.response();
        Answer a = first.result();
        if (a.status != 200 || follow.equals("false")) {
          res.setStatusCode(a.status).putHeader("Content-Type", a.contentType).end(a.body);
          return;
        }
        res.setChunked(true).putHeader("Content-Type", "text/plain; charset=utf-8").write(a.body);
        follow(res, base, taskId, a.size);
      });
    });
  }

  private void follow(HttpServerResponse res, String base, String taskId, long from) {
    long[] offset = {from};
    boolean[] closed = {false};
    res.closeHandler(v -> closed[0] = true);
    vertx.setPeriodic(FOLLOW_EVERY_MS, timer -> {
      if (closed[0]) {
        vertx.cancelTimer(timer);
        return;
      }
      boolean ended = log.view().task(taskId).isEmpty();
      fetch(base + "&bytes=4194304&offset=" + offset[0]).onComplete(ar -> {
        if (closed[0]) return;
        if (ar.succeeded() && ar.result().status == 200) {
          offset[0] = ar.result().size;
          if (ar.result().body.length() > 0) res.write(ar.result().body);
          if (!ended) return;
        } else if (!ended) {
          return; // the agent may answer next time
        }
        vertx.cancelTimer(timer);
        res.end();
      });
    });
  }

  private record Answer(int status, String contentType, Buffer body, long size) {}

  private Future<Answer> fetch(String url) {
    URI u = URI.create(url);
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(u.getHost()).setPort(u.getPort())
            .setURI(u.getRawPath() + "?" + u.getRawQuery()).setTimeout(10_000)
            .putHeader(io.upone.agent.AgentSecret.HEADER, agentSecret == null ? "" : agentSecret))
        .compose(req -> req.send())
        .compose((HttpClientResponse r) -> r.body().map(b -> new Answer(r.statusCode(),
            r.getHeader("Content-Type") == null ? "text/plain" : r.getHeader("Content-Type"), b,
            parse(r.getHeader("X-Upone-Log-Size")))));
  }

  private static long parse(String size) {
    try {
      return size == null ? 0 : Long.parseLong(size);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
