package io.upone.lb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * HAProxy's runtime API over a TCP stats socket ({@code stats socket ipv4@127.0.0.1:PORT level
 * admin}). Non-interactive mode: one command per connection; HAProxy answers and closes, so the
 * answer is everything read until the close. A connect on loopback costs well under a
 * millisecond, and no state survives between commands that a dropped connection could corrupt.
 *
 * <p>TCP rather than a unix socket: Vert.x needs its native transport for unix sockets, and a
 * zone's HAProxy need not be on the upone node's machine (keep the socket on loopback or a
 * private network: the runtime API has no authentication).
 */
final class HaproxyRuntime {
  private static final int TIMEOUT_MS = 3000;
  private final Vertx vertx;
  private final NetClient net;
  private final String host;
  private final int port;

  HaproxyRuntime(Vertx vertx, String address) {
    this.vertx = vertx;
    int colon = address.lastIndexOf(':');
    String h = address.substring(0, colon);
    this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    this.port = Integer.parseInt(address.substring(colon + 1));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS)
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  /** The answer to one command, trailing blank lines removed. */
  Future<String> send(String command) {
    Promise<String> answer = Promise.promise();
    net.connect(port, host).onFailure(answer::tryFail).onSuccess(so -> {
      Buffer in = Buffer.buffer();
      long timer = vertx.setTimer(TIMEOUT_MS, t -> {
        answer.tryFail(new java.util.concurrent.TimeoutException("haproxy " + host + ":" + port + ": no answer to " + command));
        so.close();
      });
      so.handler(in::appendBuffer);
      so.closeHandler(v -> {
        vertx.cancelTimer(timer);
        answer.tryComplete(in.toString().stripTrailing());
      });
      so.exceptionHandler(answer::tryFail);
      so.write(command + "\n");
    });
    return answer.future();
  }

  void close() {
    net.close();
  }
}
