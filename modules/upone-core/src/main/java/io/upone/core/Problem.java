package io.upone.core;

import java.util.List;

/**
 * An error as a value: a stable machine code, a message a user can act on, and the field errors
 * behind it. The HTTP layer maps {@link Kind} to a status; nothing here knows about HTTP.
 */
public record Problem(Kind kind, String code, String message, List<FieldError> errors) {

  public enum Kind { INVALID, NOT_FOUND, METHOD_NOT_ALLOWED, GONE, CONFLICT, TOO_LARGE, UNAVAILABLE, INTERNAL }

  public Problem {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public static Problem invalid(List<FieldError> errors) {
    String msg = errors.size() == 1
        ? "invalid field " + errors.get(0).field() + ": " + errors.get(0).reason()
        : errors.size() + " invalid fields";
    return new Problem(Kind.INVALID, "invalid_request", msg, errors);
  }

  public static Problem invalid(String field, String reason) {
    return invalid(List.of(new FieldError(field, reason)));
  }

  public static Problem notFound(String code, String message) {
    return new Problem(Kind.NOT_FOUND, code, message, List.of());
  }

  public static Problem conflict(String code, String message) {
    return new Problem(Kind.CONFLICT, code, message, List.of());
  }

  public static Problem conflict(String code, String message, String field) {
    return new Problem(Kind.CONFLICT, code, message, List.of(new FieldError(field, message)));
  }

  /** Thrown where a value cannot be returned (inside futures); carries the problem unchanged. */
  public static final class Failure extends RuntimeException {
    private final Problem problem;

    public Failure(Problem problem) {
      super(problem.code() + ": " + problem.message(), null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  /** The problem a failure carries, looking through completion wrappers; empty for other errors. */
  public static java.util.Optional<Problem> of(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof Failure f ? java.util.Optional.of(f.problem()) : java.util.Optional.empty();
  }

  public Failure asFailure() {
    return new Failure(this);
  }
}
