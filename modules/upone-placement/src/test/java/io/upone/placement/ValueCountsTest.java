package io.upone.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueCountsTest {
  @Test
  void minMovesUpWhenTheLastGroupAtTheFloorCatchesUp() {
    ValueCounts v = new ValueCounts(0);
    v.addToDomain("a");
    v.addToDomain("b");
    assertFalse(v.increment("a"));
    assertEquals(0, v.min());
    assertTrue(v.increment("b"));
    assertEquals(1, v.min());
    assertFalse(v.increment("outside"), "values outside the domain are counted but do not move the floor");
    assertEquals(1, v.count("outside"));
  }

  @Test
  void missingGroupsKeepTheFloorAtZero() {
    ValueCounts v = new ValueCounts(3);
    v.addToDomain("a");
    v.addToDomain("b");
    v.increment("a");
    v.increment("b");
    assertEquals(0, v.min());
  }

  @Test
  void minAgreesWithABruteForceCount() {
    for (long seed = 1; seed <= 200; seed++) {
      Random rnd = new Random(seed);
      int groups = 1 + rnd.nextInt(6);
      ValueCounts v = new ValueCounts(0);
      Map<String, Integer> brute = new HashMap<>();
      for (int g = 0; g < groups; g++) {
        v.addToDomain("g" + g);
        brute.put("g" + g, 0);
      }
      for (int i = rnd.nextInt(60); i > 0; i--) {
        String g = "g" + rnd.nextInt(groups);
        v.increment(g);
        brute.merge(g, 1, Integer::sum);
        int min = brute.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertEquals(min, v.min(), "seed " + seed);
      }
    }
  }
}
