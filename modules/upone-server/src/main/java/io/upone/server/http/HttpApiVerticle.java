package io.upone.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upone.core.Problem;
import io.upone.eventlog.EventLog;
import io.upone.server.driver.DriverMode;
import io.upone.server.lifecycle.LifecycleClient;
import io.upone.server.offers.OffersClient;
import io.upone.server.auth.ApiTokens;
import io.upone.server.config.ServerConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/** The HTTP API: {@code /v1/apps}, {@code /v1/events}, {@code /v1/cluster}, {@code /health}, {@code /metrics}. */
public final class HttpApiVerticle extends AbstractVerticle {
  private final ServerConfig config;
  private final EventLog log;
  private final PrometheusMeterRegistry registry;
  private final DriverMode driver;
  private HttpServer server;
  private LeaderForwarder forwarder;
  private ApiTokens tokens = ApiTokens.off();
  private final List<java.util.function.Consumer<Router>> mounts = new java.util.ArrayList<>();

  public HttpApiVerticle(ServerConfig config, EventLog log, PrometheusMeterRegistry registry,
                         DriverMode driver) {
    this.config = config;
    this.log = log;
    this.registry = registry;
    this.driver = driver;
  }

  /** Routes another part of the node adds (e.g. the SockJS bridge); call before deploying. */
  public HttpApiVerticle mount(java.util.function.Consumer<Router> routes) {
    mounts.add(routes);
    return this;
  }

  @Override
  public void start(Promise<Void> started) {
    try {
      config.security().checkTls();
      tokens = ApiTokens.load(config.security());
    } catch (IllegalArgumentException e) {
      started.fail(e);
      return;
    }
    forwarder = new LeaderForwarder(vertx, log, config);
    AppsApi apps = new AppsApi(log, forwarder);
    ClusterApi cluster = new ClusterApi(log, config);
    EventStream events = new EventStream(vertx, log);
    TasksApi tasks = new TasksApi(log, new LifecycleClient(vertx), forwarder);
    AgentsApi agents = new AgentsApi(log, driver, forwarder);
    JobsApi jobs = new JobsApi(log, forwarder);
    DeploymentsApi deployments = new DeploymentsApi(log, forwarder);
    PlacementApi placement = new PlacementApi(log, new OffersClient(vertx), forwarder);
    FrameworkApi framework = new FrameworkApi(log, driver, forwarder);

    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    // after the body is read, so a refused request leaves the connection clean for the next one
    r.route().handler(new ApiGuard(tokens, config.security().agentSecret())::handle);
    r.route().handler(StrictBodies::check);
    ReadViews.mount(r, log);
    r.post("/v1/apps").handler(apps::create);
    r.get("/v1/apps").handler(apps::list);
    r.routeWithRegex(HttpMethod.PUT, "^/v1/apps/(?<id>.+)/instances$").handler(c -> apps.scale(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)/tasks$").handler(c -> tasks.ofApp(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)/placement$").handler(c -> placement.ofApp(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.GET, "^/v1/apps/(?<id>.+)/versions$").handler(c -> apps.versions(c, c.pathParam("id")));
    r.routeWithRegex(HttpMethod.POST, "^/v1/apps/(?<id>.+)/restart$").handler(c -> apps.restart(c, c.pathParam("id")));
    r.get("/v1/deployments").handler(deployments::list);
    r.post("/v1/deployments/:id/promote").handler(c -> deployments.promote(c, c.pathParam("id")));
    r.get("/v1/deployments/:id").handler(c -> deployments.get(c, c.pathParam("id")));
    r.delete("/v1/deployments/:id").handler(c -> deployments.stop(c, c.pathParam("id")));
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
    driver.routes(r, forwarder::forwardedToLeader);
    r.get("/v1/events").handler(events::handle);
    mounts.forEach(m -> m.accept(r));
    r.get("/v1/cluster").handler(cluster::cluster);
    r.get("/v1/cluster/state-hash").handler(new StateHashApi(log)::get);
    r.get("/v1/consul").handler(c -> vertx.eventBus().<io.vertx.core.json.JsonObject>request(io.upone.server.bus.Addresses.CONSUL_STATUS, "")
        .onSuccess(m -> c.response().putHeader("Content-Type", "application/json").end(m.body().encode()))
        .onFailure(t -> c.fail(t)));
    r.get("/v1/framework").handler(framework::get);
    r.post("/v1/framework/teardown").handler(framework::teardown);
    new ZonesApi(vertx, log, forwarder).routes(r);
    r.get("/health").handler(cluster::health);
    new io.upone.server.http.SnapshotApi(vertx, log).mount(r);
    new io.upone.server.http.MembersApi(vertx, log, config, forwarder).mount(r);
    r.get("/metrics").handler(c -> c.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(registry.scrape()));
    // the web UI (modules/upone-ui) from the class path; a path it does not have falls through to the 404 problem
    r.get("/*").handler(StaticHandler.create("META-INF/upone-ui").setCachingEnabled(false).setIncludeHidden(false));

    r.route().failureHandler(this::failure);
    r.errorHandler(404, c -> Problems.send(c.response(),
        Problem.notFound("no_such_route", "no resource at " + c.request().method() + " " + c.request().path())));
    r.errorHandler(405, c -> Problems.send(c.response(), new Problem(Problem.Kind.METHOD_NOT_ALLOWED, "method_not_allowed",
        c.request().method() + " is not allowed on " + c.request().path(), List.of())));

    ApiExposure.warnIfOpen(config, tokens);
    vertx.createHttpServer(ApiExposure.tls(config.security(), new HttpServerOptions().setHost(config.httpHost())
            .setPort(config.httpPort()).setCompressionSupported(true)))
        .requestHandler(req -> StrictRequests.problem(req).ifPresentOrElse(p -> Problems.send(req.response(), p),
            () -> r.handle(req)))
        .invalidRequestHandler(req -> StrictRequests.invalidRequest(req, HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH))
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
          "request body is larger than " + config.maxBodyBytes() + " bytes",
          List.of(new io.upone.core.FieldError("body", "must be at most " + config.maxBodyBytes() + " bytes"))));
    } else if (c.failure() != null) {
      Problems.send(c.response(), c.failure());
    } else {
      int sc = c.statusCode() < 400 ? 500 : c.statusCode();
      c.response().setStatusCode(sc).putHeader("Content-Type", "application/json")
          .end("{\"code\":\"http_" + sc + "\",\"message\":\"request failed with status " + sc + "\",\"errors\":[]}");
    }
  }

  /** The tokens this node accepts: also the check for other entry points (the event bus bridge). */
  public ApiTokens apiTokens() {
    return tokens;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void stop() {
    if (forwarder != null) forwarder.close();
  }
}
