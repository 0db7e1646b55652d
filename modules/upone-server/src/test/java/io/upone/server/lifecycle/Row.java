package io.upone.server.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upone.placement.Demand;
import io.upone.server.config.SchedulerConfig;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One row of a reconciler table: given the world, at {@code now}, in {@code scope}, expect. Also
 * what the tables read out of decisions.
 */
record Row(String name, Supplier<World> world, long now, Reconciler.Scope scope, Consumer<Decisions> expect) {
  static final Reconciler RECONCILER = new Reconciler(SchedulerConfig.defaults());

  static Arguments of(String name, Supplier<World> world, long now, Reconciler.Scope scope, Consumer<Decisions> expect) {
    return Arguments.of(new Row(name, world, now, scope, expect));
  }

  /** Decides on the row's world and checks the expectation; deciding must change no state. */
  void check() {
    World w = world.get();
    String before = w.state.hash();
    expect.accept(RECONCILER.reconcile(w.state, w.inFlight, now, scope));
    assertEquals(before, w.state.hash(), "deciding changes no state");
  }

  static Map<String, Integer> demanded(Decisions d) {
    Map<String, Integer> out = new TreeMap<>();
    for (Demand x : d.demands()) out.put(x.app().getId(), x.count());
    return out;
  }

  static Set<String> killed(Decisions d) {
    return d.kills().stream().map(Decisions.Kill::taskId).collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public String toString() {
    return name;
  }
}
