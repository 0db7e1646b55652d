package io.upone.placement;

/**
 * An app that cannot be considered for placement: a constraint that does not parse (the message
 * names it, e.g. {@code constraints[1] ["hostname","LIKE","("]: ...}) or an unknown strategy.
 * {@link Placement#place} reports it on that app and goes on with the others.
 */
public final class PlacementException extends IllegalArgumentException {
  public PlacementException(String message) {
    super(message);
  }
}
