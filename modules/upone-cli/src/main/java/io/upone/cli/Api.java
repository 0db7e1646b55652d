package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The API as the CLI sees it: one JSON request, one JSON answer. A refusal (status 400 and up) is
 * thrown as {@link ApiRefused} with the server's problem; no answer at all as {@link Unreachable}.
 */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NORMAL).build();
  private final String base;
  private final String token;

  Api(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  String base() {
    return base;
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  JsonNode post(String path, String body) {
    return send("POST", path, body);
  }

  JsonNode put(String path, String body) {
    return send("PUT", path, body);
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  JsonNode send(String method, String path, String body) {
    HttpRequest.Builder b = request(path).timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(base, "interrupted");
    }
    if (r.statusCode() >= 400) throw ApiRefused.of(method, path, r.statusCode(), r.body());
    if (r.body() == null || r.body().isBlank()) return JSON.createObjectNode();
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new Unreachable(base, "the answer to " + method + " " + path + " is not JSON: " + e.getMessage());
    }
  }

  /**
   * Reads a line stream (NDJSON) and hands each line to {@code onLine} until it returns false or
   * the server ends the response. Returns true when the server ended it.
   */
  boolean lines(String path, Predicate<String> onLine, Streams streams) {
    HttpRequest req = request(path).header("Accept", "application/x-ndjson").GET().build();
    HttpResponse<InputStream> r;
    try {
      r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(base, "interrupted");
    }
    try (InputStream in = r.body()) {
      if (r.statusCode() >= 400) {
        throw ApiRefused.of("GET", path, r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      streams.opened(in);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) continue;
        if (!onLine.test(line)) return false;
      }
      return true;
    } catch (IOException e) {
      if (streams.closing()) return false;
      throw new Unreachable(base, "the stream broke: " + e.getMessage());
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token);
    return b;
  }

  private Unreachable unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new Unreachable(base, why);
  }

  /** {@code /v1/apps} + an app id, with or without its leading slash. */
  static String idPath(String prefix, String id) {
    String clean = id.startsWith("/") ? id.substring(1) : id;
    StringBuilder sb = new StringBuilder(prefix);
    for (String seg : clean.split("/", -1)) sb.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8));
    return sb.toString();
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Lets a follower close its stream from another thread (Ctrl-C) and tell that from a failure. */
  static final class Streams {
    private volatile InputStream open;
    private volatile boolean closing;

    void opened(InputStream in) {
      open = in;
      if (closing) close();
    }

    boolean closing() {
      return closing;
    }

    void close() {
      closing = true;
      InputStream in = open;
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // closing on the way out: nothing left to tell anyone
        }
      }
    }
  }
}
