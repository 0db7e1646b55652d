package io.upone.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanningTest {
  static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  static final Schedule EVERY_SECOND = Schedule.parse("* * * * * ?", "UTC", T0);

  @Test
  void afterAnOutageRunAllFiresEveryInstantInsideTheDeadlineOnce() {
    // last fired 12:00:00, leader back at 12:00:10, deadline 5 s
    MissedRuns.Decision d = MissedRuns.decide(EVERY_SECOND, T0, T0.plusSeconds(10), Duration.ofSeconds(5),
        MissedRuns.Policy.RUN_ALL, 1000);
    assertEquals(List.of(T0.plusSeconds(5), T0.plusSeconds(6), T0.plusSeconds(7), T0.plusSeconds(8), T0.plusSeconds(9),
        T0.plusSeconds(10)), d.fire());
    assertEquals(4, d.missed().size(), "01..04 are past their deadline");
    Set<Instant> all = new HashSet<>(d.fire());
    all.addAll(d.missed());
    assertEquals(10, all.size(), "every instant is accounted for exactly once");
  }

  @Test
  void runLatestFiresOnlyTheNewest() {
    MissedRuns.Decision d = MissedRuns.decide(EVERY_SECOND, T0, T0.plusSeconds(10), Duration.ofSeconds(30),
        MissedRuns.Policy.RUN_LATEST, 1000);
    assertEquals(List.of(T0.plusSeconds(10)), d.fire());
    assertEquals(9, d.missed().size());
  }

  @Test
  void skipFiresWhatIsStillFresh() {
    MissedRuns.Decision d = MissedRuns.decide(EVERY_SECOND, T0, T0.plusSeconds(10), Duration.ZERO,
        MissedRuns.Policy.SKIP, 1000);
    assertEquals(List.of(T0.plusSeconds(10)), d.fire(), "only the instant that is due right now");
    assertEquals(9, d.missed().size());
  }

  @Test
  void nothingDueNothingDecided() {
    MissedRuns.Decision d = MissedRuns.decide(EVERY_SECOND, T0, T0.plusMillis(500), Duration.ofSeconds(5),
        MissedRuns.Policy.RUN_ALL, 1000);
    assertTrue(d.fire().isEmpty() && d.missed().isEmpty());
  }

  @Test
  void onePlanOneWakeTimeForManyJobs() {
    FirePlan plan = new FirePlan();
    List<Schedule> schedules = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Schedule s = Schedule.parse((i % 60) + " * * * * ?", "UTC", T0);
      schedules.add(s);
      plan.put("job-" + i, s.next(T0));
    }
    assertEquals(10_000, plan.size());
    assertEquals(T0.plusSeconds(1), plan.nextWake().orElseThrow(), "the earliest of all jobs");
    // simulate the timer: take what is due, plan each job's next instant
    Instant clock = T0;
    int fired = 0;
    Set<String> seen = new HashSet<>();
    while (clock.isBefore(T0.plusSeconds(60))) {
      clock = plan.nextWake().orElseThrow();
      for (FirePlan.Due due : plan.takeDue(clock)) {
        assertEquals(clock, due.scheduled());
        assertTrue(seen.add(due.jobId() + "@" + due.scheduled()), "each (job, instant) once");
        fired++;
        int idx = Integer.parseInt(due.jobId().substring(4));
        plan.put(due.jobId(), schedules.get(idx).next(due.scheduled()));
      }
    }
    assertEquals(10_000, fired, "every job fired once in its minute");
    plan.remove("job-7");
    plan.put("job-8", Optional.empty());
    assertEquals(9_998, plan.size());
  }
}
