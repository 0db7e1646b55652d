package io.upone.consul.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fake Consul agent on loopback: exactly the HTTP API endpoints upone uses, with Consul's
 * shapes, status codes, error texts, {@code X-Consul-Index} and blocking queries. For tests and
 * demos only. A test can make it answer garbage ({@link #garbage}) or go away and come back on
 * the same port ({@link #stop}, {@link #start}); the store survives a restart, as a Consul
 * cluster's would.
 */
public final class ConsulSim {
  private final Vertx vertx;
  /** The one event loop the store, the handlers and the held reads live on. */
  private final io.vertx.core.Context context;
  private final Blocking blocking;
  final SimStore store;
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
  private volatile boolean garbage;
  private HttpServer server;
  private int port;

  private ConsulSim(Vertx vertx, String nodeName) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.blocking = new Blocking(vertx);
    this.store = new SimStore(nodeName, "127.0.0.1", () -> blocking.changed());
  }

  /** Runs a fake agent for demos and manual checks: {@code ConsulSim [port]} (default 8500). */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8500;
    start(Vertx.vertx(), "consul-sim", port).onSuccess(s -> System.out.println("consul-sim on " + s.address()))
        .onFailure(t -> {
          System.err.println("consul-sim: " + t.getMessage());
          System.exit(1);
        });
  }

  /** Starts a fake agent named {@code nodeName} on 127.0.0.1 ({@code port} 0: any free port). */
  public static Future<ConsulSim> start(Vertx vertx, String nodeName, int port) {
    ConsulSim sim = new ConsulSim(vertx, nodeName);
    sim.port = port;
    return sim.start().map(sim);
  }

  /** Listens again, on the port it had (or was given). */
  public Future<Void> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      requests.computeIfAbsent(ctx.request().method() + " " + ctx.request().path().replaceAll("\\?.*", ""), k -> new AtomicLong())
          .incrementAndGet();
      if (garbage) {
        // what a misconfigured address or a broken proxy in front of Consul may answer
        ctx.response().putHeader("Content-Type", "application/json").end("{\"this is not\": consul");
        return;
      }
      ctx.next();
    });
    new Endpoints(this).mount(router);
    router.route().handler(ctx -> send(ctx, Answer.error(404, "404 page not found")));
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    // listening from the store's context puts every handler and timer on it
    context.runOnContext(x -> vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(router).listen().<Void>map(s -> {
          server = s;
          port = s.actualPort();
          return null;
        }).onComplete(done));
    return done.future();
  }

  /** Stops listening; held reads are dropped with their connections. */
  public Future<Void> stop() {
    return onStore(st -> {
      blocking.clear();
      HttpServer s = server;
      server = null;
      return s;
    }).compose(s -> s == null ? Future.succeededFuture() : s.close());
  }

  /** While on, every request is answered 200 with a body that is not JSON (a broken proxy). */
  public void garbage(boolean on) {
    garbage = on;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:port}, as {@code CONSUL_HTTP_ADDR} would name it. */
  public String address() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests seen, by method and path (no query string): to count polls. */
  public long requests(String methodAndPathPrefix) {
    long n = 0;
    for (Map.Entry<String, AtomicLong> e : requests.entrySet()) if (e.getKey().startsWith(methodAndPathPrefix)) n += e.getValue().get();
    return n;
  }

  /** Reads held open right now (blocking queries waiting for a change). */
  public Future<Integer> held() {
    return onStore(s -> blocking.heldCount());
  }

  /** Runs {@code f} on the fake's event loop, where its store lives. */
  <T> Future<T> onStore(Function<SimStore, T> f) {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(f.apply(store));
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  // ---- glue used by Endpoints -----------------------------------------------------------------

  Blocking blocking() {
    return blocking;
  }

  static boolean allowed(RoutingContext ctx, Set<HttpMethod> methods) {
    if (methods.contains(ctx.request().method())) return true;
    send(ctx, Answer.error(405, "method " + ctx.request().method() + " not allowed"));
    return false;
  }

  static void send(RoutingContext ctx, Answer a) {
    if (ctx.response().ended() || ctx.response().closed()) return;
    ctx.response().setStatusCode(a.status()).putHeader("Content-Type", a.contentType());
    if (a.index() > 0) {
      ctx.response().putHeader("X-Consul-Index", String.valueOf(a.index()))
          .putHeader("X-Consul-KnownLeader", "true").putHeader("X-Consul-LastContact", "0");
    }
    ctx.response().end(a.body());
  }
}
