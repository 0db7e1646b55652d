package io.upone.server;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw client of the TCP event bus bridge, written from the wire format alone (4-byte
 * big-endian length, then UTF-8 JSON), with blocking reads: what a monitoring tool in any
 * language would do.
 */
final class BridgeWire implements AutoCloseable {
  final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  BridgeWire(int port) throws IOException {
    this(port, 0);
  }

  /** @param receiveBuffer the socket's receive buffer (0: the system's), set before connecting */
  BridgeWire(int port, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  void send(JsonObject frame) throws IOException {
    raw(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** One frame of these bytes, whatever they are. */
  void raw(byte[] body) throws IOException {
    out.writeInt(body.length);
    out.write(body);
    out.flush();
  }

  void register(String address, JsonObject headers) throws IOException {
    JsonObject f = new JsonObject().put("type", "register").put("address", address);
    if (headers != null) f.put("headers", headers);
    send(f);
  }

  /** The next frame; fails on timeout; null when the server closed the connection. */
  JsonObject read() throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return new JsonObject(new String(b, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
