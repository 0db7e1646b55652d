package io.upone.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.server.api.AppsApi;
import io.upone.server.api.ClusterApi;
import io.upone.server.api.EventStream;
import io.upone.server.api.LeaderForwarder;
import io.upone.server.api.Problems;
import io.upone.server.api.AgentsApi;
import io.upone.server.api.FrameworkApi;
import io.upone.server.api.JobsApi;
import io.upone.server.api.PlacementApi;
import io.upone.server.api.TasksApi;
import io.upone.server.scheduler.TaskLifecycleVerticle;
import io.upone.server.config.ServerConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/** The HTTP API: {@code /v1/apps}, {@code /v1/events}, {@code /v1/cluster}, {@code /health}, {@code /metrics}. */
public final class HttpApiVerticle extends AbstractVerticle {
  private final ServerConfig config;
  private final EventLog log;
  private final PrometheusMeterRegistry registry;
  private final TaskLifecycleVerticle lifecycle;
  private HttpServer server;
  private LeaderForwarder forwarder;

  public HttpApiVerticle(ServerConfig config, EventLog log, PrometheusMeterRegistry registry,
                         TaskLifecycleVerticle lifecycle) {
    this.config = config;
    this.log = log;
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public void start(Promise<Void> started) {
    forwarder = new LeaderForwarder(vertx, log, config);
    AppsApi apps = new AppsApi(log, forwarder);
    ClusterApi cluster = new ClusterApi(log, config);
    EventStream events = new EventStream(vertx, log);
    TasksApi tasks = new TasksApi(log, lifecycle, forwarder);
    AgentsApi agents = new AgentsApi(log, lifecycle, forwarder);
    JobsApi jobs = new JobsApi(log, forwarder);
    PlacementApi placement = new PlacementApi(log, lifecycle, forwarder);
    FrameworkApi framework = new FrameworkApi(log, config, lifecycle, forwarder);

    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    r.post("/v1/apps").handler(apps::create);
    r.get("/v1/apps").handler(apps::list);
    r.routeWithRegex(HttpMethod.PUT, "^/v1/apps/(?<id>.+)/instances$").handler(c -> apps.scale(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)/tasks$").handler(c -> tasks.ofApp(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)/placement$").handler(c -> placement.ofApp(c, c.pathParam("id")));
    r.post("/v1/placement/what-if").handler(placement::whatIf);
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)$").handler(c -> apps.get(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.PUT, "^/v1/apps/(?<id>.+)$").handler(c -> apps.update(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.DELETE, "^/v1/apps/(?<id>.+)$").handler(c -> apps.delete(c, c.pathParam("id")));
    r.post("/v1/jobs").handler(jobs::create);
    r.get("/v1/jobs").handler(jobs::list);
    r.routeWithRegex(HttpMethod.GET, "^/v1/jobs/(?<id>.+)/runs$").handler(c -> jobs.runs(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.POST, "^/v1/jobs/(?<id>.+)/runs$").handler(c -> jobs.runNow(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.POST, "^/v1/jobs/(?<id>.+)/suspend$").handler(c -> jobs.suspend(c, c.pathParam("id"), true));
    r.routeWithRegex(HttpMethod.POST, "^/v1/jobs/(?<id>.+)/resume$").handler(c -> jobs.suspend(c, c.pathParam("id"), false));
    r.routeWithRegex(HttpMethod.GET, "^/v1/jobs/(?<id>.+)$").handler(c -> jobs.get(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.PUT, "^/v1/jobs/(?<id>.+)$").handler(c -> jobs.update(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.DELETE, "^/v1/jobs/(?<id>.+)$").handler(c -> jobs.delete(c, c.pathParam("id")));
    r.get("/v1/tasks").handler(tasks::list);
    r.delete("/v1/tasks/:id").handler(c -> tasks.kill(c, c.pathParam("id")));
    r.get("/v1/agents").handler(agents::list);
    r.post("/v1/agents/heartbeat").handler(agents::heartbeat);
    r.post("/v1/agents/status").handler(agents::status);
    r.get("/v1/events").handler(events::handle);
    r.get("/v1/cluster").handler(cluster::cluster);
    r.get("/v1/framework").handler(framework::get);
    r.post("/v1/framework/teardown").handler(framework::teardown);
    r.get("/health").handler(cluster::health);
    new io.upone.server.api.SnapshotApi(vertx, log).mount(r);
    new io.upone.server.api.MembersApi(vertx, log, config, forwarder).mount(r);
    r.get("/metrics").handler(c -> c.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(registry.scrape()));

    r.route().failureHandler(this::failure);
    r.errorHandler(404, c -> Problems.send(c.response(),
        Problem.notFound("no_such_route", "no resource at " + c.request().method() + " " + c.request().path())));
    r.errorHandler(405, c -> Problems.send(c.response(), new Problem(Problem.Kind.METHOD_NOT_ALLOWED, "method_not_allowed",
        c.request().method() + " is not allowed on " + c.request().path(), List.of())));

    vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
            .setCompressionSupported(true))
        .requestHandler(r)
        .listen()
        .onSuccess(s -> {
          server = s;
          started.complete();
        })
        .onFailure(started::fail);
  }

  private void failure(RoutingContext c) {
    if (c.statusCode() == 413) {
      Problems.send(c.response(), new Problem(Problem.Kind.TOO_LARGE, "body_too_large",
          "request body is larger than " + config.maxBodyBytes() + " bytes", List.of()));
    } else if (c.failure() != null) {
      Problems.send(c.response(), c.failure());
    } else {
      int sc = c.statusCode() < 400 ? 500 : c.statusCode();
      c.response().setStatusCode(sc).putHeader("Content-Type", "application/json")
          .end("{\"code\":\"http_" + sc + "\",\"message\":\"request failed with status " + sc + "\",\"errors\":[]}");
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void stop() {
    if (forwarder != null) forwarder.close();
  }
}
