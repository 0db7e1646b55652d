package io.upone.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.upone.core.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads one JSON object field by field, checking types and collecting every problem (with its
 * full path) instead of stopping at the first. {@link #finish()} reports the fields nobody read
 * as unknown, so a typo never passes silently.
 */
public final class JsonReader {
  private final JsonNode node;
  private final String path;
  private final List<FieldError> errors;
  private final Set<String> seen = new HashSet<>();

  private JsonReader(JsonNode node, String path, List<FieldError> errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  /** A reader of {@code node}, or empty (with an error recorded) when it is not an object. */
  public static Optional<JsonReader> of(JsonNode node, String path, List<FieldError> errors) {
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(path.isEmpty() ? "$" : path, "must be a JSON object"));
      return Optional.empty();
    }
    return Optional.of(new JsonReader(node, path, errors));
  }

  public String path(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public void error(String field, String reason) {
    errors.add(new FieldError(field, reason));
  }

  public boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  /** The raw node, marked as read; null when absent or JSON null. */
  public JsonNode raw(String name) {
    seen.add(name);
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  public Optional<String> string(String name) {
    JsonNode v = raw(name);
    if (v == null) return Optional.empty();
    if (!v.isTextual()) {
      error(path(name), "must be a string");
      return Optional.empty();
    }
    return Optional.of(v.textValue());
  }

  public Optional<Double> number(String name) {
    JsonNode v = raw(name);
    if (v == null) return Optional.empty();
    if (!v.isNumber()) {
      error(path(name), "must be a number");
      return Optional.empty();
    }
    double d = v.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      error(path(name), "must be a finite number");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  public Optional<Long> integer(String name) {
    JsonNode v = raw(name);
    if (v == null) return Optional.empty();
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      error(path(name), "must be an integer");
      return Optional.empty();
    }
    return Optional.of(v.longValue());
  }

  /** An integer in [min, max]. */
  public Optional<Long> integer(String name, long min, long max) {
    Optional<Long> v = integer(name);
    if (v.isPresent() && (v.get() < min || v.get() > max)) {
      error(path(name), "must be between " + min + " and " + max);
      return Optional.empty();
    }
    return v;
  }

  public Optional<Boolean> bool(String name) {
    JsonNode v = raw(name);
    if (v == null) return Optional.empty();
    if (!v.isBoolean()) {
      error(path(name), "must be true or false");
      return Optional.empty();
    }
    return Optional.of(v.booleanValue());
  }

  /** Each element of an array field, with its path; a non-array is an error. */
  public void array(String name, BiConsumer<JsonNode, String> each) {
    JsonNode v = raw(name);
    if (v == null) return;
    if (!v.isArray()) {
      error(path(name), "must be an array");
      return;
    }
    for (int i = 0; i < v.size(); i++) each.accept(v.get(i), path(name) + "[" + i + "]");
  }

  public List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    array(name, (el, p) -> {
      if (el.isTextual()) out.add(el.textValue());
      else error(p, "must be a string");
    });
    return out;
  }

  /** A JSON object whose values are all strings (env, labels). Keys keep their order. */
  public Map<String, String> stringMap(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode v = raw(name);
    if (v == null) return out;
    if (!v.isObject()) {
      error(path(name), "must be an object of string values");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isEmpty()) error(path(name), "keys must not be empty");
      else if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().textValue());
      else error(path(name) + "." + e.getKey(), "must be a string");
    }
    return out;
  }

  public Optional<JsonReader> object(String name) {
    JsonNode v = raw(name);
    if (v == null) return Optional.empty();
    return of(v, path(name), errors);
  }

  /** Records every field of the object that no accessor read as unknown. */
  public void finish() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!seen.contains(f)) error(path(f), "unknown field");
    }
  }
}
