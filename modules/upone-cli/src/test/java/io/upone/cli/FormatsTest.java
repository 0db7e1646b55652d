package io.upone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the output: durations, numbers, table alignment, YAML, where the server comes from. */
class FormatsTest {
  @Test
  void durationsReadLikeAPersonSaysThem() {
    assertEquals("0s", Human.duration(Duration.ZERO));
    assertEquals("59s", Human.duration(Duration.ofSeconds(59)));
    assertEquals("1m30s", Human.duration(Duration.ofSeconds(90)));
    assertEquals("12m", Human.duration(Duration.ofSeconds(12 * 60 + 5)));
    assertEquals("3h4m", Human.duration(Duration.ofMinutes(184)));
    assertEquals("2d3h", Human.duration(Duration.ofHours(51)));
    assertEquals("0s", Human.duration(Duration.ofSeconds(-5)), "clock skew never shows a negative age");
  }

  @Test
  void numbersWithoutNoise() throws Exception {
    assertEquals("0.3", Human.number(Api.JSON.readTree("0.30000000000000004")));
    assertEquals("64", Human.number(Api.JSON.readTree("64.0")));
    assertEquals("1.5", Human.number(Api.JSON.readTree("1.5")));
    assertEquals("-", Human.number(null));
  }

  @Test
  void tablesAlignEveryColumn() {
    StringWriter w = new StringWriter();
    new Table("ID", "RUNNING", "HOST").row("/a", "3/3", "x").row("/long/name", "10/12", null).print(new PrintWriter(w));
    assertEquals("ID          RUNNING  HOST\n/a          3/3      x\n/long/name  10/12    -\n", w.toString());
  }

  @Test
  void yamlReadsBackToTheSameJson() throws Exception {
    JsonNode j = Api.JSON.readTree("{\"id\": \"/a\", \"cpus\": 0.1, \"on\": \"yes\", \"empty\": \"\", \"list\": [1, {\"k\": \"v: w\"}, []],"
        + " \"nested\": {\"x\": null, \"t\": true}, \"obj\": {}, \"multi\": \"a\\nb\"}");
    assertEquals("id: /a\ncpus: 0.1\n\"on\": \"yes\"\nempty: \"\"\nlist:\n  - 1\n  - k: \"v: w\"\n  - []\nnested:\n  x: null\n  t: true\n"
        + "obj: {}\nmulti: \"a\\nb\"\n", Yaml.of(j));
  }

  @Test
  void theServerComesFromTheFlagThenTheEnvironmentThenTheFile() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("upone-cli");
    java.nio.file.Path file = dir.resolve("upone/config");
    java.nio.file.Files.createDirectories(file.getParent());
    java.nio.file.Files.writeString(file, "url=http://from-file:1\ntoken=t-file\n");
    Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.toString());
    assertEquals(new Target("http://from-file:1", "t-file", file.toString()), Target.resolve(null, env, "/nowhere"));
    Map<String, String> withUrl = Map.of("XDG_CONFIG_HOME", dir.toString(), "UPONE_URL", "127.0.0.1:9/", "UPONE_TOKEN", "t-env");
    assertEquals(new Target("http://127.0.0.1:9", "t-env", "UPONE_URL"), Target.resolve(null, withUrl, "/nowhere"));
    assertEquals("http://flag:2", Target.resolve("http://flag:2", withUrl, "/nowhere").url());
    assertEquals(Target.DEFAULT_URL, Target.resolve(null, Map.of(), "/nowhere").url());
  }
}
