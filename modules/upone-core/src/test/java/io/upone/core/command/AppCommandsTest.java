package io.upone.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upone.core.FieldError;
import io.upone.core.Problem;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import io.upone.core.state.State;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppCommandsTest {
  private static final String WEB = "{\"id\": \"/web\", \"cmd\": \"./serve\", \"instances\": 2}";

  private State state;
  private long entry;

  @BeforeEach
  void freshState() {
    state = new State();
    entry = 0;
  }

  private List<Event> commit(Proposal p) {
    return state.applyProposal(p, ++entry, 1);
  }

  private static Problem problem(Supplier<?> call) {
    return assertThrows(Problem.Failure.class, call::get).problem();
  }

  private static List<String> fields(Problem p) {
    return p.errors().stream().map(FieldError::field).toList();
  }

  private void createWeb() {
    commit(AppCommands.create(state, AppCommands.readSpec(WEB, null), 1000));
  }

  // ---- reading -------------------------------------------------------------------------------

  @Test
  void readSpecAcceptsAMarathonDefinition() {
    AppCommands.SpecRequest req = AppCommands.readSpec(io.upone.core.json.AppJsonTestData.MARATHON_APP, null);
    assertEquals("/shop/web", req.spec().getId());
    assertFalse(req.versionGiven());
  }

  @Test
  void relativeIdIsCanonicalised() {
    assertEquals("/web", AppCommands.readSpec("{\"id\": \"web\", \"cmd\": \"x\"}", null).spec().getId());
    assertEquals("/team/web", AppCommands.readSpec("{\"id\": \"team/web\", \"cmd\": \"x\"}", null).spec().getId());
    // PUT with the id only in the path
    assertEquals("/web", AppCommands.readSpec("{\"cmd\": \"x\"}", "web").spec().getId());
    assertEquals("/web", AppCommands.readSpec("{\"cmd\": \"x\"}", "/web").spec().getId());
    // relative in the body, absolute in the path: the same app
    assertEquals("/web", AppCommands.readSpec("{\"id\": \"web\", \"cmd\": \"x\"}", "/web").spec().getId());

    commit(AppCommands.create(state, AppCommands.readSpec("{\"id\": \"web\", \"cmd\": \"x\"}", null), 1));
    assertTrue(state.app("/web").isPresent());
    assertEquals("/web", AppCommands.existing(state, "web").getId());
  }

  @Test
  void putBodyIdDifferentFromPathIsInvalid() {
    Problem p = problem(() -> AppCommands.readSpec("{\"id\": \"/other\", \"cmd\": \"x\"}", "/web"));
    assertEquals(Problem.Kind.INVALID, p.kind());
    assertEquals(List.of("id"), fields(p));
    assertTrue(p.errors().get(0).reason().contains("/web"), p.errors().get(0).reason());
  }

  @Test
  void readSpecReturnsEveryErrorAtOnce() {
    Problem p = problem(() -> AppCommands.readSpec(
        "{\"id\": \"/Web\", \"cmd\": \"x\", \"cpus\": \"many\", \"mem\": -1, \"instnces\": 3}", null));
    assertEquals(Problem.Kind.INVALID, p.kind());
    assertEquals("invalid_request", p.code());
    assertTrue(p.errors().size() >= 4, p.errors()::toString);
    assertTrue(fields(p).containsAll(List.of("id", "cpus", "mem", "instnces")), fields(p)::toString);
  }

  @Test
  void readSpecReportsMalformedJson() {
    Problem p = problem(() -> AppCommands.readSpec("{\"id\": ", null));
    assertEquals("malformed_json", p.code());
    assertEquals(Problem.Kind.INVALID, p.kind());
  }

  @Test
  void readSpecNoticesAGivenVersion() {
    AppCommands.SpecRequest req = AppCommands.readSpec("{\"id\": \"/web\", \"cmd\": \"x\", \"version\": 3}", null);
    assertTrue(req.versionGiven());
    assertEquals(3, req.spec().getVersion());
  }

  // ---- create --------------------------------------------------------------------------------

  @Test
  void createProposesAppCreatedAtVersionOne() {
    Proposal p = AppCommands.create(state, AppCommands.readSpec(
        "{\"id\": \"/web\", \"cmd\": \"x\", \"version\": 9}", null), 1234);
    assertEquals(1, p.getEventsCount());
    Event e = p.getEvents(0);
    assertTrue(e.hasAppCreated());
    assertEquals(1234, e.getTimestampMs());
    assertEquals(1, e.getAppCreated().getSpec().getVersion(), "a new app starts at version 1 whatever the body says");
    assertTrue(state.app("/web").isEmpty(), "commands write nothing");

    commit(p);
    assertEquals(1, state.app("/web").orElseThrow().getVersion());
  }

  @Test
  void createOfExistingIdConflicts() {
    createWeb();
    Problem p = problem(() -> AppCommands.create(state, AppCommands.readSpec(WEB, null), 2000));
    assertEquals(Problem.Kind.CONFLICT, p.kind());
    assertEquals("app_exists", p.code());
    assertEquals(List.of("id"), fields(p));
    // also when the body names it relatively
    Problem q = problem(() -> AppCommands.create(state, AppCommands.readSpec("{\"id\": \"web\", \"cmd\": \"y\"}", null), 2000));
    assertEquals("app_exists", q.code());
  }

  // ---- update --------------------------------------------------------------------------------

  @Test
  void updateReplacesTheSpecAndBumpsTheVersion() {
    createWeb();
    Proposal p = AppCommands.update(state, "/web",
        AppCommands.readSpec("{\"cmd\": \"./serve --v2\", \"mem\": 512}", "/web"), 2000);
    Event e = p.getEvents(0);
    assertEquals(1, e.getAppUpdated().getPreviousVersion());
    assertEquals(2, e.getAppUpdated().getSpec().getVersion());

    commit(p);
    AppSpec app = state.app("/web").orElseThrow();
    assertEquals("./serve --v2", app.getCmd());
    assertEquals(512, app.getMem());
    assertEquals(1, app.getInstances(), "a PUT replaces the whole definition");
    assertEquals(2, app.getVersion());
  }

  @Test
  void updateWithTheCurrentVersionInTheBodyIsAccepted() {
    createWeb();
    commit(AppCommands.update(state, "web",
        AppCommands.readSpec("{\"id\": \"/web\", \"cmd\": \"v2\", \"version\": 1}", "web"), 2000));
    assertEquals(2, state.app("/web").orElseThrow().getVersion());
  }

  @Test
  void updateWithAStaleVersionInTheBodyConflicts() {
    createWeb();
    commit(AppCommands.scale(state, "/web", 5, null, 1500)); // now at version 2
    Problem p = problem(() -> AppCommands.update(state, "/web",
        AppCommands.readSpec("{\"id\": \"/web\", \"cmd\": \"v2\", \"version\": 1}", "/web"), 2000));
    assertEquals(Problem.Kind.CONFLICT, p.kind());
    assertEquals("stale_version", p.code());
    assertEquals(List.of("version"), fields(p));
    assertEquals("./serve", state.app("/web").orElseThrow().getCmd());
  }

  @Test
  void racingUpdatesCannotBothWin() {
    createWeb();
    Proposal a = AppCommands.update(state, "/web", AppCommands.readSpec("{\"cmd\": \"a\"}", "/web"), 2000);
    Proposal b = AppCommands.update(state, "/web", AppCommands.readSpec("{\"cmd\": \"b\"}", "/web"), 2000);
    commit(a);
    Problem p = problem(() -> commit(b));
    assertEquals("stale_version", p.code());
    assertEquals("a", state.app("/web").orElseThrow().getCmd());
  }

  // ---- scale and delete ----------------------------------------------------------------------

  @Test
  void scaleChangesInstances() {
    createWeb();
    commit(AppCommands.scale(state, "/web", 10, 1L, 2000));
    assertEquals(10, state.app("/web").orElseThrow().getInstances());
    assertEquals(2, state.app("/web").orElseThrow().getVersion());

    Problem stale = problem(() -> AppCommands.scale(state, "/web", 3, 1L, 3000));
    assertEquals("stale_version", stale.code());
    assertEquals(Problem.Kind.CONFLICT, stale.kind());

    Problem bad = problem(() -> AppCommands.scale(state, "/web", -1, null, 3000));
    assertEquals(Problem.Kind.INVALID, bad.kind());
    assertEquals(List.of("instances"), fields(bad));
  }

  @Test
  void deleteRemovesTheApp() {
    createWeb();
    commit(AppCommands.delete(state, "web", 2000));
    assertTrue(state.app("/web").isEmpty());
  }

  @Test
  void unknownAppIsNotFound() {
    createWeb();
    AppCommands.SpecRequest req = AppCommands.readSpec("{\"cmd\": \"x\"}", "/nope");
    for (Supplier<?> call : List.<Supplier<?>>of(
        () -> AppCommands.update(state, "/nope", req, 1),
        () -> AppCommands.scale(state, "/nope", 3, null, 1),
        () -> AppCommands.delete(state, "/nope", 1),
        () -> AppCommands.existing(state, "nope"))) {
      Problem p = problem(call);
      assertEquals(Problem.Kind.NOT_FOUND, p.kind());
      assertEquals("app_not_found", p.code());
    }
  }

  @Test
  void invalidIdInThePathIsInvalidNotNotFound() {
    Problem p = problem(() -> AppCommands.delete(state, "/Web", 1));
    assertEquals(Problem.Kind.INVALID, p.kind());
    assertEquals(List.of("id"), fields(p));
  }
}
