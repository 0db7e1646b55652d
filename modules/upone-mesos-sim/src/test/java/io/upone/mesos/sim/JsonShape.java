package io.upone.mesos.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks JSON against the golden shapes in {@code mesos-shapes.json} (written from the Mesos
 * source): every key a shape requires is there with its type, nested shapes recursively, and
 * nothing the shape does not list. Answers every mismatch with its path.
 */
final class JsonShape {
  static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode shapes;

  private JsonShape(JsonNode shapes) {
    this.shapes = shapes;
  }

  static JsonShape load() {
    try (InputStream in = JsonShape.class.getResourceAsStream("/mesos-shapes.json")) {
      return new JsonShape(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> mismatches(String shape, JsonNode value) {
    List<String> out = new ArrayList<>();
    check("object:" + shape, value, "$", out);
    return out;
  }

  private void check(String type, JsonNode v, String path, List<String> out) {
    String[] parts = type.split(":", 2);
    String base = parts[0];
    String inner = parts.length > 1 ? parts[1] : null;
    switch (base) {
      case "string" -> expect(v.isTextual(), "a string", v, path, out);
      case "number" -> expect(v.isNumber(), "a number", v, path, out);
      case "boolean" -> expect(v.isBoolean(), "a boolean", v, path, out);
      case "array" -> {
        if (!expect(v.isArray(), "an array", v, path, out) || inner == null) return;
        for (int i = 0; i < v.size(); i++) {
          check(inner.equals("string") ? "string" : "object:" + inner, v.get(i), path + "[" + i + "]", out);
        }
      }
      case "object" -> {
        if (!expect(v.isObject(), "an object", v, path, out) || inner == null) return;
        JsonNode shape = shapes.get(inner);
        if (shape == null) throw new IllegalArgumentException("no shape " + inner);
        for (Iterator<Map.Entry<String, JsonNode>> it = shape.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if (f.getKey().startsWith("_")) continue;
          String t = f.getValue().asText();
          boolean optional = t.startsWith("?");
          JsonNode field = v.get(f.getKey());
          if (field == null) {
            if (!optional) out.add(path + "." + f.getKey() + " is missing (" + inner + ")");
            continue;
          }
          check(optional ? t.substring(1) : t, field, path + "." + f.getKey(), out);
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!shape.has(k)) out.add(path + "." + k + " is not a key Mesos writes in " + inner);
        }
      }
      default -> throw new IllegalArgumentException("unknown type " + type);
    }
  }

  private static boolean expect(boolean ok, String what, JsonNode v, String path, List<String> out) {
    if (!ok) out.add(path + " should be " + what + ", is " + v.getNodeType());
    return ok;
  }
}
