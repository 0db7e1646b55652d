package io.upone.core.zone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.json.AppJson;
import io.upone.core.json.JsonReader;
import io.upone.core.proto.LbKind;
import io.upone.core.proto.ZoneSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The JSON form of a zone: {@code {"name": "edge", "kind": "slardar", "instances":
 * ["127.0.0.1:1995"], "version": 1}}. Reading checks every field and reports all errors at once.
 */
public final class ZoneJson {
  /** host:port, host a name or IPv4 literal, or [IPv6]:port. */
  private static final Pattern ADDRESS = Pattern.compile("^([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):([0-9]{1,5})$");

  private ZoneJson() {}

  /** A valid spec from a request body, or a 400 naming every bad field. {@code pathName}: PUT's name. */
  public static ZoneSpec read(String body, String pathName) {
    JsonNode node = AppJson.parse(body);
    List<FieldError> errors = new ArrayList<>();
    ZoneSpec.Builder b = ZoneSpec.newBuilder();
    JsonReader.of(node, "", errors).ifPresent(r -> {
      r.string("name").ifPresent(b::setName);
      r.string("kind").ifPresent(k -> {
        switch (k.toLowerCase(Locale.ROOT)) {
          case "slardar" -> b.setKind(LbKind.SLARDAR);
          case "haproxy" -> b.setKind(LbKind.HAPROXY);
          default -> r.error("kind", "must be slardar or haproxy");
        }
      });
      b.addAllInstances(r.strings("instances"));
      r.integer("version", 0, Long.MAX_VALUE).ifPresent(b::setVersion);
      r.finish();
    });
    if (pathName != null && b.getName().isEmpty()) b.setName(pathName);
    errors.addAll(validate(b.build(), pathName));
    if (!errors.isEmpty()) throw Problem.invalid(errors).asFailure();
    return b.build();
  }

  static List<FieldError> validate(ZoneSpec z, String pathName) {
    List<FieldError> e = new ArrayList<>();
    if (!Publication.ZONE.matcher(z.getName()).matches()) e.add(new FieldError("name", "must be 1-63 lowercase letters, digits or '-'"));
    if (pathName != null && !z.getName().equals(pathName)) e.add(new FieldError("name", "must match the name in the path (" + pathName + ")"));
    if (z.getKind() == LbKind.LB_KIND_UNSPECIFIED && e.stream().noneMatch(f -> f.field().equals("kind"))) {
      e.add(new FieldError("kind", "is required: slardar or haproxy"));
    }
    if (z.getInstancesCount() == 0) e.add(new FieldError("instances", "at least one admin address (host:port) is required"));
    for (int i = 0; i < z.getInstancesCount(); i++) {
      var m = ADDRESS.matcher(z.getInstances(i));
      if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
        e.add(new FieldError("instances[" + i + "]", "must be host:port"));
      } else if (z.getInstancesList().subList(0, i).contains(z.getInstances(i))) {
        e.add(new FieldError("instances[" + i + "]", "is listed twice"));
      }
    }
    return e;
  }

  public static ObjectNode write(ZoneSpec z) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", z.getName()).put("kind", kindName(z.getKind()));
    z.getInstancesList().forEach(o.putArray("instances")::add);
    o.put("version", z.getVersion());
    return o;
  }

  public static String kindName(LbKind k) {
    return switch (k) {
      case SLARDAR -> "slardar";
      case HAPROXY -> "haproxy";
      default -> "unknown";
    };
  }
}
