package io.upone.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {
  static final Instant NOW = Instant.parse("2026-01-15T10:00:30Z");

  static Instant at(String zone, int y, int mo, int d, int h, int mi, int s) {
    return ZonedDateTime.of(y, mo, d, h, mi, s, 0, ZoneId.of(zone)).toInstant();
  }

  static Schedule s(String expr, String zone) {
    return Schedule.parse(expr, zone, NOW);
  }

  @Test
  void crontabEveryMinuteAndStrictlyAfter() {
    Schedule every = s("* * * * *", "UTC");
    assertEquals(Instant.parse("2026-01-15T10:01:00Z"), every.next(NOW).orElseThrow());
    Instant fire = Instant.parse("2026-01-15T10:01:00Z");
    assertEquals(Instant.parse("2026-01-15T10:02:00Z"), every.next(fire).orElseThrow(), "a fire time is not repeated");
    assertEquals(Schedule.Syntax.CRONTAB, every.syntax());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "@hourly, 2026-01-15T11:00:00Z",
      "@daily, 2026-01-16T00:00:00Z",
      "@midnight, 2026-01-16T00:00:00Z",
      "@weekly, 2026-01-18T00:00:00Z",   // next Sunday
      "@monthly, 2026-02-01T00:00:00Z",
      "@yearly, 2027-01-01T00:00:00Z",
      "@annually, 2027-01-01T00:00:00Z",
      "'0 9 * * 1-5', 2026-01-16T09:00:00Z",
      "'*/20 * * * *', 2026-01-15T10:20:00Z"})
  void macrosAndCrontabForms(String expr, String expected) {
    assertEquals(Instant.parse(expected), s(expr, "UTC").next(NOW).orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "'* * * * * ?', 2026-01-15T10:00:31Z",
      "'*/10 * * * * ?', 2026-01-15T10:00:40Z",
      "'0 0 12 ? * MON-FRI', 2026-01-15T12:00:00Z",
      "'0 15 10 L * ?', 2026-01-31T10:15:00Z",          // last day of the month
      "'0 0 8 ? * 6#3', 2026-01-16T08:00:00Z",          // third Friday
      "'0 0 0 1 1 ? 2030', 2030-01-01T00:00:00Z"})      // with a year
  void quartzForms(String expr, String expected) {
    Schedule q = s(expr, "UTC");
    assertEquals(Schedule.Syntax.QUARTZ, q.syntax());
    assertEquals(Instant.parse(expected), q.next(NOW).orElseThrow());
  }

  @Test
  void fireTimesAreWholeSecondsWhateverTheReferenceFraction() {
    Schedule everySecond = Schedule.parse("* * * * * ?", "UTC", NOW);
    assertEquals(Instant.parse("2026-01-15T10:00:11Z"), everySecond.next(Instant.parse("2026-01-15T10:00:10.216Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-15T10:00:11Z"), everySecond.next(Instant.parse("2026-01-15T10:00:10Z")).orElseThrow());
    assertEquals(Instant.parse("2026-01-15T10:01:00Z"), Schedule.parse("* * * * *", "UTC", NOW)
        .next(Instant.parse("2026-01-15T10:00:59.999Z")).orElseThrow());
  }

  @Test
  void leapYearsAndMonthEnds() {
    assertEquals(Instant.parse("2028-02-29T00:00:00Z"), s("0 0 29 2 *", "UTC").next(NOW).orElseThrow());
    Schedule the31st = s("0 0 31 * *", "UTC");
    List<Instant> fires = the31st.between(Instant.parse("2026-01-31T00:00:00Z"), Instant.parse("2026-12-31T23:59:59Z"), 20);
    assertEquals(List.of("2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31", "2026-10-31", "2026-12-31"),
        fires.stream().map(i -> i.toString().substring(0, 10)).toList(), "months without a 31st are skipped");
  }

  @Test
  void schedulesThatNeverFireAreRefused() {
    Schedule.Invalid e = assertThrows(Schedule.Invalid.class, () -> s("0 0 30 2 *", "UTC"));
    assertEquals("schedule", e.field());
    assertTrue(e.getMessage().contains("never fires"), e.getMessage());
    assertThrows(Schedule.Invalid.class, () -> s("0 0 0 1 1 ? 2020", "UTC"), "only in the past");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"'61 * * * *'", "'* * * *'", "'* * * * * * * *'", "'@reboot'", "'@often'", "'x y z w v'", "''"})
  void badExpressionsNameTheScheduleField(String expr) {
    Schedule.Invalid e = assertThrows(Schedule.Invalid.class, () -> s(expr, "UTC"));
    assertEquals("schedule", e.field());
    assertTrue(!e.getMessage().isBlank());
  }

  @Test
  void badZonesNameTheTimezoneField() {
    Schedule.Invalid e = assertThrows(Schedule.Invalid.class, () -> s("* * * * *", "Mars/Olympus"));
    assertEquals("timezone", e.field());
    assertEquals(ZoneId.of("UTC"), Schedule.parse("* * * * *", null, NOW).zone(), "UTC by default");
  }

  // ---- daylight saving --------------------------------------------------------------------------

  @Test
  void springForwardGapFiresOnceShiftedNewYork() {
    // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist
    Schedule daily = s("30 2 * * *", "America/New_York");
    Instant before = at("America/New_York", 2026, 3, 7, 12, 0, 0);
    List<Instant> fires = daily.between(before, before.plusSeconds(3 * 86400), 10);
    assertEquals(List.of(at("America/New_York", 2026, 3, 8, 3, 30, 0), at("America/New_York", 2026, 3, 9, 2, 30, 0),
        at("America/New_York", 2026, 3, 10, 2, 30, 0)), fires);
  }

  @Test
  void fallBackOverlapFiresOnceNewYork() {
    // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice, fires at the first
    Schedule daily = s("30 1 * * *", "America/New_York");
    Instant before = at("America/New_York", 2026, 10, 31, 12, 0, 0);
    List<Instant> fires = daily.between(before, before.plusSeconds(2 * 86400), 10);
    assertEquals(List.of(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z")), fires);
  }

  @Test
  void frequentJobsThroughBothTransitionsNeverRepeatAnInstant() {
    for (String zone : List.of("America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Tehran")) {
      Schedule q = s("*/15 * * * *", zone);
      for (int[] ym : new int[][] {{2026, 3}, {2026, 4}, {2026, 9}, {2026, 10}, {2026, 11}}) {
        Instant from = at(zone, ym[0], ym[1], 1, 0, 0, 0);
        List<Instant> fires = q.between(from, from.plusSeconds(35L * 86400), 5000);
        assertEquals(fires.size(), new HashSet<>(fires).size(), zone + ": no instant twice");
        for (int i = 1; i < fires.size(); i++) assertTrue(fires.get(i).isAfter(fires.get(i - 1)), zone + ": increasing");
      }
    }
  }

  @Test
  void berlinGapAndOverlap() {
    Schedule q = s("30 2 * * *", "Europe/Berlin");
    // 2026-03-29 02:00 CET -> 03:00 CEST
    assertEquals(at("Europe/Berlin", 2026, 3, 29, 3, 30, 0), q.next(at("Europe/Berlin", 2026, 3, 28, 12, 0, 0)).orElseThrow());
    // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 twice, once at 00:30Z (CEST)
    List<Instant> fires = q.between(at("Europe/Berlin", 2026, 10, 24, 12, 0, 0), at("Europe/Berlin", 2026, 10, 26, 12, 0, 0), 5);
    assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z")), fires);
  }

  @Test
  void lordHoweHalfHourShift() {
    // Lord Howe moves its clocks by 30 minutes: 2026-10-04 02:00 -> 02:30; 02:15 is shifted by the gap to 02:45
    Schedule q = s("15 2 * * *", "Australia/Lord_Howe");
    Instant fire = q.next(at("Australia/Lord_Howe", 2026, 10, 3, 12, 0, 0)).orElseThrow();
    assertEquals(at("Australia/Lord_Howe", 2026, 10, 4, 2, 45, 0), fire);
    assertEquals(Instant.parse("2026-10-03T15:45:00Z"), fire);
  }

  @Test
  void quartzSecondsAcrossTheGapFireOncePerInstant() {
    Schedule q = s("0/30 * 2-3 * * ?", "America/New_York");
    Instant from = at("America/New_York", 2026, 3, 8, 1, 59, 0);
    List<Instant> fires = q.between(from, from.plusSeconds(3 * 3600), 1000);
    assertEquals(fires.size(), new HashSet<>(fires).size());
    // 02:xx local does not exist this night: its times land on 03:xx, which fire once each
    assertEquals(at("America/New_York", 2026, 3, 8, 3, 0, 0), fires.get(0));
    assertEquals(120, fires.size(), "03:00:00 .. 03:59:30 every 30 s, each once");
  }
}
