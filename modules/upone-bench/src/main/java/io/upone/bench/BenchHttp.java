package io.upone.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What the launch benchmarks ask of a node's API, as a client does, and their percentile. */
final class BenchHttp {
  /** One client for every request of a run (the asynchronous ones too). */
  /** HTTP/1.1, one connection per client thread, as curl, the CLI and most API clients talk. */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private BenchHttp() {}

  /** The p-th percentile of sorted values (nearest rank). */
  static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** POST a JSON body; anything but 201 is an error. */
  static void post(String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) throw new IllegalStateException("POST " + url + " -> " + r.statusCode() + " " + r.body());
  }

  static void del(String url) throws IOException, InterruptedException {
    HTTP.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
  }

  /** The body, or "" when the node does not answer. */
  static String get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
