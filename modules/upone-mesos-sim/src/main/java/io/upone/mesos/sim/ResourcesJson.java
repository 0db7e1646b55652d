package io.upone.mesos.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.TreeSet;
import org.apache.mesos.v1.Protos;

/**
 * Resources as Mesos's operator endpoints print them ({@code json(ObjectWriter*, Resources)} in
 * {@code src/common/http.cpp}): one object, the scalars cpus, gpus, mem and disk always present
 * (0 when absent), ranges as the string {@code "[31000-31005, 31010-32000]"}
 * ({@code src/common/values.cpp}). The {@code *_full} form is a list of Resource messages in the
 * ENDPOINT format (unreserved ones with {@code role "*"}, {@code src/common/resources_utils.cpp}).
 */
final class ResourcesJson {
  private ResourcesJson() {}

  static JsonObject of(double cpus, double mem, double disk, Protos.Value.Ranges ports) {
    JsonObject o = new JsonObject().put("cpus", number(cpus)).put("disk", number(disk)).put("gpus", number(0))
        .put("mem", number(mem));
    if (ports != null && ports.getRangeCount() > 0) o.put("ports", ranges(ports));
    return o;
  }

  static JsonObject of(SimTask t) {
    return of(t.cpus, t.mem, t.disk, ranges(t.ports));
  }

  private static Object number(double v) {
    return MasterStateJson.plain(SimAgent.round(v));
  }

  static String ranges(Protos.Value.Ranges r) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < r.getRangeCount(); i++) {
      if (i > 0) b.append(", ");
      b.append(r.getRange(i).getBegin()).append('-').append(r.getRange(i).getEnd());
    }
    return b.append(']').toString();
  }

  /** Ports as coalesced ranges. */
  static Protos.Value.Ranges ranges(List<Integer> ports) {
    Protos.Value.Ranges.Builder r = Protos.Value.Ranges.newBuilder();
    long begin = -1;
    long end = -1;
    for (int p : new TreeSet<>(ports)) {
      if (begin >= 0 && p == end + 1) {
        end = p;
        continue;
      }
      if (begin >= 0) r.addRange(Protos.Value.Range.newBuilder().setBegin(begin).setEnd(end));
      begin = p;
      end = p;
    }
    if (begin >= 0) r.addRange(Protos.Value.Range.newBuilder().setBegin(begin).setEnd(end));
    return r.build();
  }

  /** The {@code *_full} form: unreserved Resource messages as JSON, numbers as numbers. */
  static JsonArray full(double cpus, double mem, double disk, Protos.Value.Ranges ports) {
    JsonArray a = new JsonArray().add(scalar("cpus", cpus)).add(scalar("mem", mem)).add(scalar("disk", disk));
    if (ports != null && ports.getRangeCount() > 0) {
      JsonArray range = new JsonArray();
      for (Protos.Value.Range r : ports.getRangeList()) range.add(new JsonObject().put("begin", r.getBegin()).put("end", r.getEnd()));
      a.add(new JsonObject().put("name", "ports").put("type", "RANGES")
          .put("ranges", new JsonObject().put("range", range)).put("role", "*"));
    }
    return a;
  }

  private static JsonObject scalar(String name, double v) {
    return new JsonObject().put("name", name).put("type", "SCALAR")
        .put("scalar", new JsonObject().put("value", number(v))).put("role", "*");
  }
}
