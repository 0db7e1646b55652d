package io.upone.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request loop through a load balancer, as a client sees it: one HTTP/1.0 request per
 * connection with the upstream's name as Host (raw sockets: the JDK client will not set Host),
 * counting answers that are not 200. Bounded: it runs until stopped, or {@code max} requests.
 */
final class LbTraffic implements AutoCloseable {
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final StringBuilder firstFailures = new StringBuilder();
  /** Bodies of the 200 answers (a versioned server answers its version), counted. */
  final java.util.Map<String, AtomicLong> bodies = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  LbTraffic(int port, String host, long max) {
    thread = new Thread(() -> {
      while (running.get() && ok.get() + failed.get() < max) {
        String[] answer = exchange(port, host);
        String status = answer[0];
        if (status.equals("200")) {
          ok.incrementAndGet();
          bodies.computeIfAbsent(answer[1], k -> new AtomicLong()).incrementAndGet();
        } else {
          if (failed.incrementAndGet() <= 5) {
            // the wall-clock time, to line the failure up with the LB's logs and the event log
            synchronized (firstFailures) { firstFailures.append(status).append(" at ").append(java.time.Instant.now()).append("; "); }
          }
        }
      }
    }, "lb-traffic-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  static String once(int port, String host) {
    return exchange(port, host)[0];
  }

  /** The answer's status (or what went wrong) and body. */
  static String[] exchange(int port, String host) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      if (all.length() < 12) return new String[] {"short:" + all, ""};
      int body = all.indexOf("\r\n\r\n");
      return new String[] {all.substring(9, 12), body < 0 ? "" : all.substring(body + 4)};
    } catch (IOException e) {
      return new String[] {"io:" + e.getMessage(), ""};
    }
  }

  long total() {
    return ok.get() + failed.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
