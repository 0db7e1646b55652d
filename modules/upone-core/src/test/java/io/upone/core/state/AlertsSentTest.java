package io.upone.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.upone.core.EventFormat;
import io.upone.core.Problem;
import io.upone.core.proto.AlertsSent;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Event;
import io.upone.core.proto.Proposal;
import org.junit.jupiter.api.Test;

class AlertsSentTest {
  private final State state = new State();
  private long entry;

  private static Event watermark(long through) {
    return Event.newBuilder().setTimestampMs(1).setAlertsSent(AlertsSent.newBuilder().setThroughIndex(through).setSent(1)).build();
  }

  private void apply(Event e) {
    state.applyProposal(Proposal.newBuilder().addEvents(e).build(), ++entry, 1);
  }

  @Test
  void theWatermarkOnlyMovesForward() {
    apply(Events.created("/a", 1));
    apply(watermark(1));
    assertEquals(1, state.alertsSentThrough());
    Problem.Failure f = assertThrows(Problem.Failure.class, () -> apply(watermark(1)));
    assertEquals("stale_watermark", f.problem().code());
    apply(watermark(2));
    assertEquals(2, state.alertsSentThrough());
  }

  @Test
  void theWatermarkSurvivesASnapshotWhichThenNeedsFormat4() {
    apply(Events.created("/a", 1));
    apply(watermark(1));
    State back = State.restore(state.snapshot());
    assertEquals(1, back.alertsSentThrough());
    assertEquals(state.hash(), back.hash());
    assertEquals(4, EventFormat.of(state.snapshot()));
  }

  @Test
  void aSpecNamingAWebhookNeedsFormat4() {
    AppSpec plain = Events.spec("/a", 1).toBuilder().setAlertChannel("#team").build();
    AppSpec hooked = plain.toBuilder().setAlertWebhook("https://hooks.slack.com/services/x").build();
    assertEquals(1, EventFormat.of(Events.created(plain, 1)));
    assertEquals(4, EventFormat.of(Events.created(hooked, 1)));
    assertEquals(4, EventFormat.of(watermark(3)));
    apply(Events.created(hooked, 1));
    assertEquals(4, EventFormat.of(state.snapshot()));
  }

  @Test
  void theWebhookDoesNotChangeWhatATaskIsMadeOf() {
    AppSpec plain = Events.spec("/a", 1);
    assertEquals(State.configHash(plain),
        State.configHash(plain.toBuilder().setAlertChannel("#x").setAlertWebhook("https://h/x").build()));
  }
}
