package io.upone.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PersistentMapTest {

  /** A key whose hash the test chooses, so that full 32-bit collisions happen on purpose. */
  record Key(int hash, int id) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Test
  void behavesLikeAHashMapAndOldVersionsStayAsTheyWere() {
    Random rnd = new Random(42);
    Map<Object, Integer> model = new HashMap<>();
    PersistentMap<Object, Integer> map = PersistentMap.empty();
    List<PersistentMap<Object, Integer>> versions = new ArrayList<>();
    List<Map<Object, Integer>> models = new ArrayList<>();
    for (int step = 0; step < 60_000; step++) {
      // few distinct hashes among the Keys: collisions at every depth, including whole-hash ones
      Object key = rnd.nextBoolean() ? "k" + rnd.nextInt(3000) : new Key(rnd.nextInt(64) * 0x1111, rnd.nextInt(40));
      if (rnd.nextInt(3) == 0) {
        map = map.remove(key);
        model.remove(key);
      } else {
        int v = rnd.nextInt(1000);
        map = map.put(key, v);
        model.put(key, v);
      }
      if (step % 5000 == 0) {
        versions.add(map);
        models.add(new HashMap<>(model));
      }
    }
    assertSameContent(model, map);
    for (int i = 0; i < versions.size(); i++) assertSameContent(models.get(i), versions.get(i));
    for (Object k : new ArrayList<>(model.keySet())) map = map.remove(k);
    assertEquals(0, map.size());
    assertSame(PersistentMap.empty(), map);
  }

  @Test
  void anUnchangedPutOrAbsentRemoveReturnsTheSameMap() {
    PersistentMap<String, String> m = PersistentMap.<String, String>empty().put("a", "1");
    assertSame(m, m.put("a", m.get("a")));
    assertSame(m, m.remove("b"));
    assertNull(m.get("b"));
  }

  private static void assertSameContent(Map<Object, Integer> model, PersistentMap<Object, Integer> map) {
    assertEquals(model.size(), map.size());
    Map<Object, Integer> seen = new HashMap<>();
    map.forEach(seen::put);
    assertEquals(model, seen);
    for (Map.Entry<Object, Integer> e : model.entrySet()) assertEquals(e.getValue(), map.get(e.getKey()));
    assertEquals(model.size(), map.values().stream().count());
    assertEquals(model.keySet(), new java.util.HashSet<>(map.keys()));
  }
}
