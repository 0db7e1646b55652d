package io.upone.placement;

import io.upone.core.AppValidator;
import io.upone.core.FieldError;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.Constraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns an app's Marathon constraints into filters, one class per kind. Checks each constraint
 * with core's {@link AppValidator} first, so placement and the API agree on what is valid.
 */
final class ConstraintCompiler {
  /** What an app's constraints become: filters in checking order, and the per-field counts they share. */
  record Compiled(List<StaticFilter> staticFilters, List<Filter> countFilters, List<TaskAffinityFilter> taskFilters,
                  List<Filter> groupFilters, Map<String, ValueCounts> countsByField, Map<String, ValueCounts> groupedFields) {}

  private ConstraintCompiler() {}

  static String describe(int i, Constraint c) {
    StringBuilder b = new StringBuilder("constraints[").append(i).append("] [\"").append(c.getField()).append("\", \"")
        .append(c.getOperator()).append('"');
    if (!c.getValue().isEmpty()) b.append(", \"").append(c.getValue()).append('"');
    return b.append(']').toString();
  }

  /** The name reports use: {@code UNIQUE(hostname)}, {@code MAX_PER(rack:2)}, {@code LIKE(task:team:db-.*)}. */
  static String filterName(Constraint c) {
    return c.getOperator() + "(" + c.getField() + (c.getValue().isEmpty() ? "" : ":" + c.getValue()) + ")";
  }

  static Compiled compile(AppSpec app, boolean relaxSpread, TaskLabelIndex index) {
    List<StaticFilter> statics = new ArrayList<>();
    List<Filter> counted = new ArrayList<>();
    List<TaskAffinityFilter> tasks = new ArrayList<>();
    List<Filter> groups = new ArrayList<>();
    Map<String, ValueCounts> counts = new LinkedHashMap<>();
    Map<String, ValueCounts> grouped = new LinkedHashMap<>();
    Map<String, Integer> minGroups = new LinkedHashMap<>();
    List<Constraint> cs = app.getConstraintsList();
    for (int i = 0; i < cs.size(); i++) {
      Constraint c = cs.get(i);
      List<FieldError> errors = new ArrayList<>();
      AppValidator.constraint(c, "constraints[" + i + "]", errors);
      if (!errors.isEmpty()) throw new PlacementException(describe(i, c) + ": " + errors.get(0).reason());
      // the counts a field's constraints share are sized after every GROUP_BY on that field is known
      if (c.getOperator().equals("GROUP_BY") && !c.getField().startsWith(AppValidator.TASK_FIELD)) {
        int n = c.getValue().isEmpty() ? 0 : Integer.parseInt(c.getValue());
        minGroups.merge(c.getField(), n, Math::max);
      }
    }
    for (Constraint c : cs) {
      String field = c.getField();
      String name = filterName(c);
      if (field.startsWith(AppValidator.TASK_FIELD)) {
        String key = field.substring(AppValidator.TASK_FIELD.length());
        Pattern p = Pattern.compile(c.getValue());
        boolean like = c.getOperator().equals("LIKE");
        String own = app.getLabelsMap().get(key);
        boolean self = own != null && p.matcher(own).matches();
        tasks.add(new TaskAffinityFilter(name, key, p, like, self, index));
        continue;
      }
      switch (c.getOperator()) {
        case "CLUSTER", "IS" -> statics.add(new AttributeEqualsFilter(name, field, c.getValue()));
        case "LIKE", "UNLIKE" -> statics.add(new AttributePatternFilter(name, field, Pattern.compile(c.getValue()), c.getOperator().equals("LIKE")));
        case "UNIQUE", "MAX_PER" -> {
          statics.add(new FieldPresentFilter(name, field));
          int limit = c.getOperator().equals("UNIQUE") ? 1 : Integer.parseInt(c.getValue());
          counted.add(new MaxPerFilter(name, field, countsFor(field, counts, minGroups), limit));
        }
        case "GROUP_BY" -> {
          statics.add(new FieldPresentFilter(name, field));
          ValueCounts vc = countsFor(field, counts, minGroups);
          grouped.put(field, vc);
          if (!relaxSpread) groups.add(new GroupByFilter(name, field, vc));
        }
        default -> throw new PlacementException("constraint operator " + c.getOperator() + " is not placeable");
      }
    }
    return new Compiled(statics, counted, tasks, groups, counts, grouped);
  }

  private static ValueCounts countsFor(String field, Map<String, ValueCounts> counts, Map<String, Integer> minGroups) {
    return counts.computeIfAbsent(field, f -> new ValueCounts(minGroups.getOrDefault(f, 0)));
  }
}
