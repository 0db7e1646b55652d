package io.upone.core;

/** One thing wrong with one field of a request, named by its JSON path (e.g. {@code container.portMappings[1].hostPort}). */
public record FieldError(String field, String reason) {
  public FieldError {
    if (field == null || reason == null) throw new IllegalArgumentException("field and reason are required");
  }
}
