package io.upone.core.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upone.core.AppId;
import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.json.AppJson;
import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppDeleted;
import io.upone.core.proto.AppScaled;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppUpdated;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns app requests into proposals, checked against the current projection. Every method
 * either returns a proposal to append or throws a {@link Problem.Failure}; nothing is written
 * here. The projection re-checks the same preconditions when the proposal commits, so two
 * racing requests cannot both win.
 */
public final class AppCommands {
  private AppCommands() {}

  /** A spec from a request body: parsed, defaults filled, every error collected. */
  public record SpecRequest(AppSpec spec, boolean versionGiven) {}

  /**
   * Reads and validates an app body. With {@code pathId} (PUT), the body's id may be left out
   * and, if given, must name the same app.
   */
  public static SpecRequest readSpec(String body, String pathId) {
    JsonNode node = AppJson.parse(body);
    if (pathId != null && node.isObject() && !node.hasNonNull("id")) {
      ((ObjectNode) node).put("id", pathId);
    }
    AppJson.Read read = AppJson.read(node);
    List<FieldError> errors = new ArrayList<>(read.errors());
    AppSpec spec = read.spec();
    if (!spec.getId().isEmpty() && AppId.isValid(spec.getId())) spec = spec.toBuilder().setId(AppId.canonical(spec.getId())).build();
    errors.addAll(AppValidator.validate(spec));
    if (pathId != null && AppId.isValid(spec.getId()) && !spec.getId().equals(AppId.canonical(pathId))) {
      errors.add(new FieldError("id", "must match the id in the path (" + AppId.canonical(pathId) + ")"));
    }
    if (!errors.isEmpty()) throw Problem.invalid(errors).asFailure();
    return new SpecRequest(spec, read.versionGiven());
  }

  public static Proposal create(State state, SpecRequest req, long nowMs) {
    AppSpec spec = req.spec();
    if (state.app(spec.getId()).isPresent()) {
      throw Problem.conflict("app_exists", "app " + spec.getId() + " already exists; update it with PUT", "id").asFailure();
    }
    state.checkPublished(spec).ifPresent(p -> {
      throw p.asFailure();
    });
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setAppCreated(AppCreated.newBuilder().setSpec(spec.toBuilder().setVersion(1))).build());
  }

  /** Replaces the whole definition. A {@code version} in the body must be the current one. */
  public static Proposal update(State state, String id, SpecRequest req, long nowMs) {
    AppSpec cur = existing(state, id);
    if (!req.spec().getId().equals(cur.getId())) {
      throw Problem.invalid("id", "must match the id in the path (" + cur.getId() + ")").asFailure();
    }
    if (req.versionGiven() && req.spec().getVersion() != cur.getVersion()) {
      throw stale(cur, req.spec().getVersion());
    }
    // a restart's generation is the server's, not the body's: keep it
    AppSpec next = req.spec().toBuilder().setVersion(cur.getVersion() + 1)
        .setRestartGeneration(cur.getRestartGeneration()).build();
    return DeploymentCommands.change(state, cur, next, "update", nowMs);
  }

  /** {@code POST /v1/apps/{id}/restart}: the same definition, every task replaced by a deployment. */
  public static Proposal restart(State state, String id, long nowMs) {
    AppSpec cur = existing(state, id);
    AppSpec next = cur.toBuilder().setVersion(cur.getVersion() + 1).setRestartGeneration(cur.getRestartGeneration() + 1)
        .build();
    return DeploymentCommands.change(state, cur, next, "restart", nowMs);
  }

  /**
   * {@code PUT /v1/apps/{id}} with only a {@code version}: the definition of that earlier version
   * again (as a new version), deployed like any change.
   */
  public static Proposal rollbackTo(State state, String id, long version, long nowMs) {
    AppSpec cur = existing(state, id);
    if (version == cur.getVersion()) {
      throw Problem.conflict("already_at_version", "app " + cur.getId() + " is at version " + version, "version").asFailure();
    }
    AppSpec old = state.appSpec(cur.getId(), version).orElseThrow(() -> Problem.notFound("version_not_found",
        "app " + cur.getId() + " has no version " + version + " on record; see /v1/apps" + cur.getId() + "/versions")
        .asFailure());
    return DeploymentCommands.change(state, cur, old.toBuilder().setVersion(cur.getVersion() + 1).build(),
        "rollback to version " + version, nowMs);
  }

  public static Proposal scale(State state, String id, long instances, Long expectedVersion, long nowMs) {
    AppSpec cur = existing(state, id);
    if (instances < 0 || instances > 1_000_000) throw Problem.invalid("instances", "must be between 0 and 1000000").asFailure();
    if (expectedVersion != null && expectedVersion != cur.getVersion()) throw stale(cur, expectedVersion);
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setAppScaled(AppScaled.newBuilder().setAppId(cur.getId()).setInstances((int) instances)
            .setPreviousVersion(cur.getVersion())).build());
  }

  public static Proposal delete(State state, String id, long nowMs) {
    AppSpec cur = existing(state, id);
    return one(Event.newBuilder().setTimestampMs(nowMs)
        .setAppDeleted(AppDeleted.newBuilder().setAppId(cur.getId()).setPreviousVersion(cur.getVersion())).build());
  }

  /** The app at {@code id}, or a 400 for an invalid id and a 404 for an unknown one. */
  public static AppSpec existing(State state, String id) {
    AppId.problem(id).ifPresent(r -> {
      throw Problem.invalid("id", r).asFailure();
    });
    String canonical = AppId.canonical(id);
    return state.app(canonical).orElseThrow(() ->
        Problem.notFound("app_not_found", "app " + canonical + " does not exist").asFailure());
  }

  private static Problem.Failure stale(AppSpec cur, long given) {
    return Problem.conflict("stale_version", "app " + cur.getId() + " is at version " + cur.getVersion()
        + " but the request was based on version " + given + "; read it again and retry", "version").asFailure();
  }

  private static Proposal one(Event e) {
    return Proposal.newBuilder().addEvents(e).build();
  }
}
