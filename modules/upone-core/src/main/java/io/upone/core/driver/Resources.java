package io.upone.core.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scalar resources and port ranges of an agent or an offer. */
public record Resources(double cpus, double mem, double disk, List<PortRange> ports) {
  private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

  public Resources {
    ports = List.copyOf(ports);
  }

  public static Resources of(double cpus, double mem, double disk) {
    return new Resources(cpus, mem, disk, List.of());
  }

  /**
   * Parses Mesos-style text: {@code cpus:4;mem:8192;disk:10000;ports:[31000-32000,33000-33100]}.
   * Unknown names are an error so that a typo does not silently offer nothing.
   */
  public static Resources parse(String text) {
    double cpus = 0;
    double mem = 0;
    double disk = 0;
    List<PortRange> ports = new ArrayList<>();
    for (String part : text.split(";")) {
      if (part.isBlank()) continue;
      int colon = part.indexOf(':');
      if (colon < 0) throw new IllegalArgumentException("resource '" + part + "' must be name:value");
      String name = part.substring(0, colon).trim();
      String value = part.substring(colon + 1).trim();
      try {
        switch (name) {
          case "cpus" -> cpus = Double.parseDouble(value);
          case "mem" -> mem = Double.parseDouble(value);
          case "disk" -> disk = Double.parseDouble(value);
          case "ports" -> {
            Matcher m = RANGE.matcher(value);
            while (m.find()) ports.add(new PortRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            if (ports.isEmpty()) throw new IllegalArgumentException("ports must look like [31000-32000]");
          }
          default -> throw new IllegalArgumentException("unknown resource '" + name + "'; use cpus, mem, disk, ports");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("resource " + name + " has a bad value '" + value + "'");
      }
    }
    if (cpus < 0 || mem < 0 || disk < 0) throw new IllegalArgumentException("resources must not be negative");
    return new Resources(cpus, mem, disk, ports);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("cpus:" + cpus + ";mem:" + mem + ";disk:" + disk);
    if (!ports.isEmpty()) {
      b.append(";ports:[");
      for (int i = 0; i < ports.size(); i++) b.append(i == 0 ? "" : ",").append(ports.get(i).begin()).append('-').append(ports.get(i).end());
      b.append(']');
    }
    return b.toString();
  }
}
