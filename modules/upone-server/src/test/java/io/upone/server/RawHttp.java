package io.upone.server;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, bytes exactly as given: JDK and Vert.x clients
 * refuse to send {@code %zz}, raw dot segments or invalid UTF-8, which are what a hostile client
 * sends. The server is asked to close the connection, so the answer ends at end of stream.
 */
final class RawHttp {
  private RawHttp() {}

  record Answer(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static Answer send(int port, String method, String target, byte[] body, Map<String, String> extraHeaders) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\n").append("Connection: close\r\n");
      extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) out.write(body);
      out.flush();
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + target + ": " + e, e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("no complete response: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = unchunk(rest);
    return new Answer(status, headers, new String(rest, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int lineEnd = i;
      while (lineEnd + 1 < b.length && !(b[lineEnd] == '\r' && b[lineEnd + 1] == '\n')) lineEnd++;
      String size = new String(b, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int n = Integer.parseInt(size, 16);
      if (n == 0) break;
      out.write(b, lineEnd + 2, n);
      i = lineEnd + 2 + n + 2;
    }
    return out.toByteArray();
  }
}
