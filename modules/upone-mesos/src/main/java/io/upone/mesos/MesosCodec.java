package io.upone.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;

/**
 * The two encodings of the Mesos v1 HTTP APIs. JSON uses the proto field names (snake_case)
 * and enum names, as Mesos prints and parses them; 64-bit integers are printed as strings,
 * which Mesos accepts.
 */
public enum MesosCodec {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final String mediaType;

  MesosCodec(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The codec of a Content-Type (parameters such as charset ignored), or null. */
  public static MesosCodec of(String contentType) {
    if (contentType == null) return null;
    String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    for (MesosCodec c : values()) if (c.mediaType.equals(type)) return c;
    return null;
  }

  /** The codec a client accepts (first match of an Accept header; absent or {@code *}/{@code *} means JSON). */
  public static MesosCodec accepted(String accept) {
    if (accept == null || accept.isBlank()) return JSON;
    for (String part : accept.split(",")) {
      String type = part.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (type.equals("*/*") || type.equals("application/*")) return JSON;
      MesosCodec c = of(type);
      if (c != null) return c;
    }
    return null;
  }

  public byte[] encode(Message m) {
    if (this == PROTOBUF) return m.toByteArray();
    try {
      return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Decodes into {@code builder}; throws {@link IllegalArgumentException} with the parser's reason. */
  @SuppressWarnings("unchecked")
  public <T extends Message> T decode(byte[] bytes, Message.Builder builder) {
    try {
      if (this == PROTOBUF) {
        builder.mergeFrom(bytes);
      } else {
        PARSER.merge(new String(bytes, StandardCharsets.UTF_8), builder);
      }
      return (T) builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }
}
