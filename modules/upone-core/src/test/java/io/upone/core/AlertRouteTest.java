package io.upone.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.core.json.AppJson;
import io.upone.core.proto.AppSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertRouteTest {
  static List<String> readErrors(String extra) {
    AppJson.Read r = AppJson.read(AppJson.parse("{\"id\": \"/web\", \"cmd\": \"./run\", " + extra + "}"));
    return r.errors().stream().map(FieldError::field).toList();
  }

  static Stream<Arguments> badBlocks() {
    return Stream.of(
        Arguments.of("\"alerts\": {}", "alerts"),
        Arguments.of("\"alerts\": {\"channel\": \"#a\", \"room\": \"b\"}", "alerts.room"),
        Arguments.of("\"alerts\": {\"channel\": 5}", "alerts.channel"),
        Arguments.of("\"alerts\": {\"webhook\": [\"https://x\"]}", "alerts.webhook"),
        Arguments.of("\"alertChannel\": \"#a\", \"alerts\": {\"channel\": \"#b\"}", "alerts.channel"));
  }

  @ParameterizedTest
  @MethodSource("badBlocks")
  void aBadBlockIsNamed(String extra, String field) {
    assertEquals(List.of(field), readErrors(extra));
  }

  @Test
  void aBlockThatIsNoObjectIsNamed() {
    assertEquals(List.of("alerts"), readErrors("\"alerts\": \"#team\""));
  }

  @Test
  void theBlockSurvivesJsonAndProtobuf() throws Exception {
    String json = "{\"id\": \"/web\", \"cmd\": \"./run\", \"alerts\": {\"channel\": \"#team-x\", "
        + "\"webhook\": \"https://hooks.slack.com/services/T0/B0/x\"}}";
    AppSpec s = AppJson.read(AppJson.parse(json)).spec();
    assertEquals("#team-x", s.getAlertChannel());
    assertEquals("https://hooks.slack.com/services/T0/B0/x", s.getAlertWebhook());
    AppSpec again = AppSpec.parseFrom(s.toByteArray());
    assertEquals(s, AppJson.read(AppJson.write(again)).spec());
    assertEquals("{\"channel\":\"#team-x\",\"webhook\":\"https://hooks.slack.com/services/T0/B0/x\"}",
        AppJson.write(again).get("alerts").toString());
  }

  @Test
  void theOlderChannelFieldStillReads() {
    AppSpec s = AppJson.read(AppJson.parse("{\"id\": \"/web\", \"cmd\": \"./run\", \"alertChannel\": \"#ops\"}")).spec();
    assertEquals("#ops", s.getAlertChannel());
    assertEquals("{\"channel\":\"#ops\"}", AppJson.write(s).get("alerts").toString());
  }

  @Test
  void webhooks() {
    assertEquals(java.util.Optional.empty(), AlertRoute.webhookProblem("http://127.0.0.1:9000/hook"));
    assertEquals(java.util.Optional.empty(), AlertRoute.webhookProblem("https://hooks.slack.com/services/T0/B0/x"));
    assertEquals(true, AlertRoute.webhookProblem("mailto:ops@example.com").isPresent());
    assertEquals(true, AlertRoute.webhookProblem("https://" + "a".repeat(2100)).isPresent());
  }
}
