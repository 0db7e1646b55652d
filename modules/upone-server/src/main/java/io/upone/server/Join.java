package io.upone.server;

import io.upone.server.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code server --join URL}: a new node starts with no raft configuration (it cannot elect
 * itself, so it never forms a group of its own) and asks the group at URL, any member, to add
 * it. The leader adds it as a learner and promotes it once it has caught up. Asking again after
 * a restart is harmless: a voter is told nothing changed.
 */
final class Join {
  private static final Duration GIVE_UP = Duration.ofMinutes(5);

  private Join() {}

  static Future<UponeServer> start(ServerConfig config, String url) {
    return UponeServer.start(config, true).onSuccess(server -> {
      Thread t = new Thread(() -> ask(config, url.replaceAll("/+$", "")), "upone-join");
      t.setDaemon(true);
      t.start();
    });
  }

  /** Adding a member needs an admin token when the group checks tokens: {@code UPONE_TOKEN}. */
  private static String[] adminToken() {
    String t = System.getenv("UPONE_TOKEN");
    return t == null || t.isBlank() ? new String[] {"X-Upone-Join", "1"} : new String[] {"Authorization", "Bearer " + t.strip()};
  }

  private static void ask(ServerConfig config, String url) {
    String body = new JsonObject().put("raft", config.self().raftEndpoint()).put("http", config.self().httpUrl()).encode();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + GIVE_UP.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/cluster/members"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .headers(adminToken())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 202 || r.statusCode() == 200) {
          System.out.println("upone: " + (r.statusCode() == 202 ? "the group at " + url + " is adding this node "
              + config.self().raftEndpoint() + " (learner first, voter once caught up): GET " + url + "/v1/cluster/members"
              : "already a voter of the group at " + url));
          return;
        }
        last = r.statusCode() + " " + r.body();
        // 503: no leader right now; 409 change_in_progress: another change first. Anything else will not pass by waiting.
        if (r.statusCode() != 503 && !(r.statusCode() == 409 && r.body().contains("change_in_progress"))) break;
      } catch (Exception e) {
        last = e.toString();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
    System.err.println("upone: could not join the group at " + url + ": " + last);
  }
}
