package io.upone.mesos.sim;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A bare v1 scheduler for protocol tests, on the JDK's HTTP client with its own RecordIO
 * reading (not upone's driver or codec): what any framework author would write from the docs.
 */
final class RawScheduler implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
  final URI uri;
  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  String streamId;
  String frameworkId;
  private InputStream stream;
  private Thread reader;
  volatile boolean ended;

  RawScheduler(String url) {
    this.uri = URI.create(url + "/api/v1/scheduler");
  }

  static HttpResponse<String> post(URI uri, String contentType, byte[] body, String streamId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (streamId != null) b.header("Mesos-Stream-Id", streamId);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Subscribes in protobuf; returns the response status (200 starts reading the stream). */
  int subscribe(Call subscribe) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
        .header("Accept", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(subscribe.toByteArray())).build();
    HttpResponse<InputStream> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
    if (resp.statusCode() != 200) return resp.statusCode();
    streamId = resp.headers().firstValue("Mesos-Stream-Id").orElse(null);
    stream = resp.body();
    reader = new Thread(() -> {
      try (DataInputStream in = new DataInputStream(stream)) {
        while (true) {
          StringBuilder len = new StringBuilder();
          int c;
          while ((c = in.read()) != '\n') {
            if (c < 0) return;
            len.append((char) c);
          }
          byte[] record = new byte[Integer.parseInt(len.toString())];
          in.readFully(record);
          Event e = Event.parseFrom(record);
          if (e.getType() == Event.Type.SUBSCRIBED) frameworkId = e.getSubscribed().getFrameworkId().getValue();
          events.add(e);
        }
      } catch (IOException | RuntimeException e) {
        // stream closed
      } finally {
        ended = true;
      }
    }, "raw-scheduler-stream");
    reader.setDaemon(true);
    reader.start();
    return 200;
  }

  HttpResponse<String> call(Call c) throws Exception {
    return post(uri, "application/x-protobuf", c.toByteArray(), streamId);
  }

  /** A REVIVE carrying the given stream id (checks of stale streams). */
  HttpResponse<String> post(String withStreamId) throws Exception {
    Call revive = Call.newBuilder().setType(Call.Type.REVIVE)
        .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(frameworkId)).build();
    return post(uri, "application/x-protobuf", revive.toByteArray(), withStreamId);
  }

  /** The next event of a type, skipping others (heartbeats...), within the timeout. */
  Event next(Event.Type type, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      Event e = left <= 0 ? null : events.poll(left, TimeUnit.MILLISECONDS);
      if (e == null) throw new AssertionError("no " + type + " event within " + timeoutMs + " ms");
      if (e.getType() == type) return e;
    }
  }

  static String text(HttpResponse<String> r) {
    return r.statusCode() + " " + r.body();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    if (stream != null) stream.close();
  }
}
