package io.upone.cron;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A job's schedule: crontab (5 fields, or an {@code @hourly}-style macro) or Quartz (6-7 fields,
 * with seconds), evaluated in an IANA time zone.
 *
 * <p>Fire times are planned on the local wall clock and then placed on the time line, so that
 * daylight-saving changes behave as people expect: a local time that does not exist (spring
 * forward) fires once, shifted by the length of the gap; a local time that happens twice (fall
 * back) fires once, at its first occurrence. Pure: the caller passes "now".
 */
public final class Schedule {
  public enum Syntax { CRONTAB, QUARTZ }

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final CronParser CRONTAB = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
  /** How far ahead a schedule must fire at least once to be accepted (leap days need 8 years). */
  private static final int HORIZON_YEARS = 30;
  private static final int MAX_STEPS = 100_000;
  static final int MAX_LENGTH = 256;

  private final String expression;
  private final ZoneId zone;
  private final Syntax syntax;
  private final ExecutionTime execution;

  private Schedule(String expression, ZoneId zone, Syntax syntax, ExecutionTime execution) {
    this.expression = expression;
    this.zone = zone;
    this.syntax = syntax;
    this.execution = execution;
  }

  /** Thrown for a schedule or zone that cannot be used; {@link #field()} names which. */
  public static final class Invalid extends IllegalArgumentException {
    private final String field;

    Invalid(String field, String reason) {
      super(reason);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /**
   * Parses and checks a schedule. {@code now} is only used to prove the schedule fires at all
   * (e.g. {@code 0 0 30 2 *} never does and is refused).
   */
  public static Schedule parse(String expression, String zoneId, Instant now) {
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneId == null || zoneId.isBlank() ? "UTC" : zoneId);
    } catch (DateTimeException e) {
      throw new Invalid("timezone", "'" + zoneId + "' is not an IANA time zone (like Europe/Berlin or UTC)");
    }
    if (expression == null || expression.isBlank()) throw new Invalid("schedule", "is required");
    if (expression.length() > MAX_LENGTH) throw new Invalid("schedule", "must be at most " + MAX_LENGTH + " characters");
    // the parser reads any Unicode digit as a number: only ASCII is a schedule people can read back
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if ((c < 0x20 || c > 0x7e) && c != '\t') {
        throw new Invalid("schedule", "must be ASCII (digits 0-9, letters, * , - / ? L W #), found U+"
            + String.format("%04X", (int) c) + " at position " + i);
      }
    }
    String text = expression.trim().replaceAll("\\s+", " ");
    Syntax syntax;
    Cron cron;
    try {
      if (text.startsWith("@")) {
        String body = MACROS.get(text.toLowerCase(Locale.ROOT));
        if (body == null) {
          throw new Invalid("schedule", "'" + text + "' is not a supported macro; use one of "
              + "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly");
        }
        syntax = Syntax.CRONTAB;
        cron = CRONTAB.parse(body);
      } else {
        int fields = text.split(" ").length;
        if (fields == 5) {
          syntax = Syntax.CRONTAB;
          cron = CRONTAB.parse(text);
        } else if (fields == 6 || fields == 7) {
          syntax = Syntax.QUARTZ;
          cron = QUARTZ.parse(text);
        } else {
          throw new Invalid("schedule", "has " + fields + " fields; use 5 (crontab: min hour day month weekday) "
              + "or 6-7 (Quartz: sec min hour day month weekday [year])");
        }
      }
      cron.validate();
    } catch (Invalid e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new Invalid("schedule", "'" + text + "' is not a valid schedule: " + e.getMessage());
    }
    Schedule s = new Schedule(text, zone, syntax, ExecutionTime.forCron(cron));
    Optional<Instant> first = s.next(now);
    if (first.isEmpty() || first.get().isAfter(now.atZone(ZoneOffset.UTC).plusYears(HORIZON_YEARS).toInstant())) {
      throw new Invalid("schedule", "'" + text + "' never fires (no matching time within " + HORIZON_YEARS + " years)");
    }
    return s;
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  public Syntax syntax() {
    return syntax;
  }

  /** The first fire time strictly after {@code after}, or empty if there is none. */
  public Optional<Instant> next(Instant after) {
    // whole seconds: cron fields have no finer unit, and the parser would keep the fraction
    LocalDateTime local = after.atZone(zone).toLocalDateTime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<ZonedDateTime> n = execution.nextExecution(local.atZone(ZoneOffset.UTC));
      if (n.isEmpty()) return Optional.empty();
      local = n.get().toLocalDateTime();
      // ofLocal: a gap moves the time forward by the gap, an overlap takes the earlier offset
      Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
      if (at.isAfter(after)) return Optional.of(at);
    }
    return Optional.empty();
  }

  /** Fire times in (from, to], at most {@code max}, in order. */
  public List<Instant> between(Instant from, Instant to, int max) {
    List<Instant> out = new ArrayList<>();
    Instant at = from;
    while (out.size() < max) {
      Optional<Instant> n = next(at);
      if (n.isEmpty() || n.get().isAfter(to)) break;
      out.add(n.get());
      at = n.get();
    }
    return out;
  }

  @Override
  public String toString() {
    return expression + " (" + syntax.name().toLowerCase(Locale.ROOT) + ", " + zone + ")";
  }
}
