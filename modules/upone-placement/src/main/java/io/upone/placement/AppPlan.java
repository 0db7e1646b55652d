package io.upone.placement;

import io.upone.core.proto.AppSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One app during one cycle: its filters in checking order, its strategy's rankers, and its task
 * counts per agent and per constraint field, updated one placement at a time so that checking an
 * offer costs the same whatever the number of tasks.
 */
public final class AppPlan {
  private final AppSpec app;
  private final int requested;
  private final PlacementStrategy strategy;
  private final int[] wantedPorts;
  private final List<StaticFilter> staticFilters;
  private final List<Filter> dynamicFilters = new ArrayList<>();
  private final Map<String, ValueCounts> countsByField;
  private final Map<String, ValueCounts> groupedFields;
  private final ValueCounts perAgent = new ValueCounts(0);
  private final boolean recoverAfterEveryPlacement;
  private final double maxWeight;

  private AppPlan(Demand d, PlacementStrategy strategy, ConstraintCompiler.Compiled c, double maxWeight) {
    this.app = d.app();
    this.requested = d.count();
    this.strategy = strategy;
    this.wantedPorts = PortAllocation.wanted(app);
    List<StaticFilter> statics = new ArrayList<>();
    // an image needs an engine before anything else matters about the agent
    if (!app.getContainer().getImage().isEmpty()) statics.add(new ExecutorFilter(ExecutorFilter.DOCKER));
    statics.addAll(c.staticFilters());
    this.staticFilters = statics;
    this.countsByField = c.countsByField();
    this.groupedFields = c.groupedFields();
    this.maxWeight = maxWeight;
    this.recoverAfterEveryPlacement = c.taskFilters().stream().anyMatch(TaskAffinityFilter::mayRecover);
  }

  static AppPlan of(Demand d, PlacementConfig config, ClusterView view, List<Placed> existing, TaskLabelIndex index,
                    double maxWeight) {
    AppSpec app = d.app();
    String label = app.getLabelsMap().get(PlacementConfig.STRATEGY_LABEL);
    String strategyName = label == null || label.isBlank() ? config.defaultStrategy() : label.trim();
    PlacementStrategy strategy = config.strategies().get(strategyName);
    if (strategy == null) {
      throw new PlacementException("label " + PlacementConfig.STRATEGY_LABEL + ": unknown strategy '" + strategyName
          + "'; use one of " + String.join(", ", config.strategies().keySet()));
    }
    ConstraintCompiler.Compiled c = ConstraintCompiler.compile(app, d.relaxSpread(), index);
    AppPlan plan = new AppPlan(d, strategy, c, maxWeight);

    boolean spreads = strategy.spreadsOverAgents() && !d.relaxSpread();
    int feasibleAgents = 0;
    if (spreads || !plan.groupedFields.isEmpty()) {
      // groups and shares are over every agent the app may ever run on, offering now or not
      for (AgentInfo a : view.agents()) {
        if (!plan.staticFit(a) || !acceptedByAll(c.taskFilters(), a.agentId())) continue;
        feasibleAgents++;
        for (Map.Entry<String, ValueCounts> g : plan.groupedFields.entrySet()) g.getValue().addToDomain(a.value(g.getKey()));
      }
    }
    for (Placed p : existing) {
      plan.perAgent.increment(p.agentId());
      AgentInfo a = view.agent(p.agentId());
      if (a == null) continue;
      for (Map.Entry<String, ValueCounts> f : plan.countsByField.entrySet()) {
        String v = a.value(f.getKey());
        if (v != null) f.getValue().increment(v);
      }
    }

    plan.dynamicFilters.add(new ResourceFilter(ResourceFilter.Kind.cpus, app.getCpus()));
    plan.dynamicFilters.add(new ResourceFilter(ResourceFilter.Kind.mem, app.getMem()));
    plan.dynamicFilters.add(new ResourceFilter(ResourceFilter.Kind.disk, app.getDisk()));
    if (plan.wantedPorts.length > 0) plan.dynamicFilters.add(new PortFilter(plan.wantedPorts));
    plan.dynamicFilters.addAll(c.countFilters());
    plan.dynamicFilters.addAll(c.taskFilters());
    plan.dynamicFilters.addAll(c.groupFilters());
    if (spreads) {
      long total = (long) existing.size() + d.count();
      int share = (int) Math.min(Integer.MAX_VALUE, (total + Math.max(1, feasibleAgents) - 1) / Math.max(1, feasibleAgents));
      plan.dynamicFilters.add(new AgentShareFilter(plan, share));
    }
    return plan;
  }

  private static boolean acceptedByAll(List<TaskAffinityFilter> rules, String agentId) {
    for (TaskAffinityFilter t : rules) if (!t.acceptsAgent(agentId)) return false;
    return true;
  }

  public AppSpec app() {
    return app;
  }

  public String appId() {
    return app.getId();
  }

  public int requested() {
    return requested;
  }

  public PlacementStrategy strategy() {
    return strategy;
  }

  public double cpus() {
    return app.getCpus();
  }

  public double mem() {
    return app.getMem();
  }

  public double disk() {
    return app.getDisk();
  }

  /** The app's tasks on an agent: running, launching, and placed in this cycle. */
  public int instancesOn(String agentId) {
    return perAgent.count(agentId);
  }

  /** The heaviest agent weight among this cycle's offers, for {@link WeightRanker}. */
  public double maxWeight() {
    return maxWeight;
  }

  List<StaticFilter> staticFilters() {
    return Collections.unmodifiableList(staticFilters);
  }

  List<Filter> dynamicFilters() {
    return Collections.unmodifiableList(dynamicFilters);
  }

  /** The first static filter that turns the agent down, or null. */
  StaticFilter staticReject(AgentInfo agent) {
    for (StaticFilter f : staticFilters) if (!f.accepts(agent)) return f;
    return null;
  }

  boolean staticFit(AgentInfo agent) {
    return staticReject(agent) == null;
  }

  /** The first filter that turns the offer down now, or null. */
  Filter dynamicReject(OfferSlot slot) {
    for (Filter f : dynamicFilters) if (!f.accepts(slot)) return f;
    return null;
  }

  double score(OfferSlot slot) {
    double s = 0;
    for (PlacementStrategy.Weighted w : strategy.rankers()) s += w.weight() * w.ranker().score(slot, this);
    return s;
  }

  /** Ports for one instance in the slot (null if they do not fit). */
  int[] ports(OfferSlot slot) {
    return PortAllocation.allocate(slot, wantedPorts);
  }

  /** Counts one more instance on the slot's agent. @return whether offers set aside may fit now */
  boolean placed(OfferSlot slot) {
    perAgent.increment(slot.agentId());
    boolean groupMoved = false;
    for (Map.Entry<String, ValueCounts> f : countsByField.entrySet()) {
      String v = slot.agent().value(f.getKey());
      if (v != null && f.getValue().increment(v) && groupedFields.containsKey(f.getKey())) groupMoved = true;
    }
    return groupMoved || recoverAfterEveryPlacement;
  }
}
