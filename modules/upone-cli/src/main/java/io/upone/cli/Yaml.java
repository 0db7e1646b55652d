package io.upone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** JSON as block YAML (1.2: every JSON scalar is quoted or plain in a way YAML reads back the same). */
final class Yaml {
  private Yaml() {}

  static String of(JsonNode n) {
    StringBuilder sb = new StringBuilder();
    if (n.isContainerNode() && n.size() > 0) block(sb, n, 0);
    else sb.append(scalar(n)).append('\n');
    return sb.toString();
  }

  private static void block(StringBuilder sb, JsonNode n, int indent) {
    String pad = " ".repeat(indent);
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sb.append(pad).append(key(e.getKey())).append(':');
        value(sb, e.getValue(), indent);
      }
    } else {
      for (JsonNode item : n) {
        sb.append(pad).append('-');
        if (item.isContainerNode() && item.size() > 0) {
          // the first line of a nested block sits on the dash's line
          StringBuilder inner = new StringBuilder();
          block(inner, item, indent + 2);
          sb.append(' ').append(inner.substring(indent + 2));
        } else {
          sb.append(' ').append(scalar(item)).append('\n');
        }
      }
    }
  }

  private static void value(StringBuilder sb, JsonNode v, int indent) {
    if (v.isContainerNode() && v.size() > 0) {
      sb.append('\n');
      block(sb, v, indent + 2);
    } else {
      sb.append(' ').append(scalar(v)).append('\n');
    }
  }

  private static String key(String k) {
    return k.matches("[A-Za-z_][A-Za-z0-9_.-]*") && plainSafe(k) ? k : quote(k);
  }

  static String scalar(JsonNode v) {
    if (v.isObject()) return "{}";
    if (v.isArray()) return "[]";
    if (v.isNull() || v.isMissingNode()) return "null";
    if (v.isTextual()) return plainSafe(v.asText()) ? v.asText() : quote(v.asText());
    return v.toString();
  }

  private static boolean plainSafe(String s) {
    if (s.isEmpty() || !s.matches("[A-Za-z_/][A-Za-z0-9_./@+-]*")) return false;
    return !s.matches("(?i)true|false|null|yes|no|on|off|~|y|n");
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) sb.append(String.format("\\x%02x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
