package io.upone.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementReportTest {
  @Test
  void reportsOfDisjointCyclesAddUpAndTheNewestRequestCounts() {
    PlacementReport a = PlacementReport.of("/x", 4, 1, 1, Map.of());
    PlacementReport b = PlacementReport.of("/x", 3, 0, 2, Map.of("cpus", 1, "UNIQUE(hostname)", 1));
    PlacementReport c = PlacementReport.of("/x", 3, 0, 1, Map.of("cpus", 1));
    PlacementReport m = PlacementReport.merge(List.of(a, b, c));
    assertEquals(3, m.requested());
    assertEquals(1, m.placed());
    assertEquals(4, m.offersConsidered());
    assertEquals(Map.of("cpus", 2, "UNIQUE(hostname)", 1), m.rejected());
    assertEquals("placed 1 of 3 (4 offers); rejected: 2 agents by cpus, 1 by UNIQUE(hostname)", m.summary());
    PlacementReport broken = PlacementReport.failed("/x", 3, 1, "constraints[0]: bad");
    assertEquals("constraints[0]: bad", PlacementReport.merge(List.of(a, broken)).error());
  }
}
