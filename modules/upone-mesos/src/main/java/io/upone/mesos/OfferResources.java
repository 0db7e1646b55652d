package io.upone.mesos;

import io.upone.core.driver.PortRange;
import io.upone.core.driver.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Translation between Mesos resources and upone's: an offer's totals for placement, and the
 * slices of an offer's own resources a launch takes (keeping each source resource's role,
 * reservations and allocation info, so reserved and multi-role offers launch correctly).
 */
public final class OfferResources {
  private static final double EPSILON = 1e-6;

  private OfferResources() {}

  public static Resources totals(List<Resource> resources) {
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    List<PortRange> ports = new ArrayList<>();
    for (Resource r : resources) {
      switch (r.getName()) {
        case "cpus" -> cpus += r.getScalar().getValue();
        case "mem" -> mem += r.getScalar().getValue();
        case "disk" -> disk += r.getScalar().getValue();
        case "ports" -> {
          for (Value.Range range : r.getRanges().getRangeList()) {
            ports.add(new PortRange((int) range.getBegin(), (int) range.getEnd()));
          }
        }
        default -> { }
      }
    }
    return new Resources(cpus, mem, disk, ports);
  }

  /** Attributes as text: scalars without a needless ".0", ranges as [a-b,c-d], sets as {a,b}. */
  public static Map<String, String> attributes(List<Attribute> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Attribute a : attributes) {
      String v = switch (a.getType()) {
        case SCALAR -> {
          double d = a.getScalar().getValue();
          yield d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
        case RANGES -> {
          StringBuilder b = new StringBuilder("[");
          for (Value.Range r : a.getRanges().getRangeList()) {
            if (b.length() > 1) b.append(',');
            b.append(r.getBegin()).append('-').append(r.getEnd());
          }
          yield b.append(']').toString();
        }
        case SET -> "{" + String.join(",", a.getSet().getItemList()) + "}";
        default -> a.getText().getValue();
      };
      out.put(a.getName(), v);
    }
    return out;
  }

  public static io.upone.core.driver.Offer toOffer(Offer o) {
    return new io.upone.core.driver.Offer(o.getId().getValue(), o.getAgentId().getValue(), o.getHostname(),
        attributes(o.getAttributesList()), totals(o.getResourcesList()), java.util.Set.of(), 0);
  }

  /**
   * Takes {@code cpus, mem, disk} and the given ports out of {@code pool} (the offer's resources,
   * consumed in place) and returns them as resources of the same kind. Throws when the pool holds
   * too little: placement only assigns what an offer has, so that is a bug, not a user error.
   */
  public static List<Resource> take(List<Resource> pool, double cpus, double mem, double disk, List<Integer> ports) {
    List<Resource> out = new ArrayList<>();
    takeScalar(pool, "cpus", cpus, out);
    takeScalar(pool, "mem", mem, out);
    takeScalar(pool, "disk", disk, out);
    for (int port : ports) takePort(pool, port, out);
    return out;
  }

  private static void takeScalar(List<Resource> pool, String name, double amount, List<Resource> out) {
    double left = amount;
    for (int i = 0; i < pool.size() && left > EPSILON; i++) {
      Resource r = pool.get(i);
      if (!r.getName().equals(name) || r.getType() != Value.Type.SCALAR) continue;
      double have = r.getScalar().getValue();
      double use = Math.min(have, left);
      if (use <= EPSILON) continue;
      out.add(r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(round(use))).build());
      pool.set(i, r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(round(have - use))).build());
      left -= use;
    }
    if (left > EPSILON) throw new IllegalStateException("offer lacks " + round(left) + " " + name);
  }

  private static void takePort(List<Resource> pool, int port, List<Resource> out) {
    for (int i = 0; i < pool.size(); i++) {
      Resource r = pool.get(i);
      if (!r.getName().equals("ports") || r.getType() != Value.Type.RANGES) continue;
      List<Value.Range> ranges = r.getRanges().getRangeList();
      for (int j = 0; j < ranges.size(); j++) {
        Value.Range range = ranges.get(j);
        if (port < range.getBegin() || port > range.getEnd()) continue;
        Value.Ranges.Builder rest = Value.Ranges.newBuilder();
        for (int k = 0; k < ranges.size(); k++) {
          Value.Range x = ranges.get(k);
          if (k != j) {
            rest.addRange(x);
            continue;
          }
          if (x.getBegin() < port) rest.addRange(Value.Range.newBuilder().setBegin(x.getBegin()).setEnd(port - 1));
          if (port < x.getEnd()) rest.addRange(Value.Range.newBuilder().setBegin(port + 1).setEnd(x.getEnd()));
        }
        pool.set(i, r.toBuilder().setRanges(rest).build());
        out.add(r.toBuilder().setRanges(Value.Ranges.newBuilder()
            .addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))).build());
        return;
      }
    }
    throw new IllegalStateException("offer lacks port " + port);
  }

  /** Mesos compares scalars at three decimals; rounding avoids 0.30000000000000004 cpus. */
  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
