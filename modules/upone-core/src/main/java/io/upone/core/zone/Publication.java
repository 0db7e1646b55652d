package io.upone.core.zone;

import io.upone.core.proto.AppSpec;
import io.upone.core.proto.LoadBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where an app is published: its {@code loadBalancer} zones (the single {@code zone} and the
 * {@code zones} list together), its upstream name and the port and weight it is served with.
 */
public final class Publication {
  /**
   * Names both load balancers can route. Slardar and the HAProxy frontend upone documents route
   * by the Host header, which arrives lowercased without its port, so an upstream must be a
   * lowercase host-like name; Slardar itself accepts only {@code [-_a-zA-Z0-9.]}.
   */
  public static final Pattern UPSTREAM = Pattern.compile("^[a-z0-9]([a-z0-9_.-]{0,126}[a-z0-9])?$");
  public static final Pattern ZONE = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

  private Publication() {}

  /** Every zone the app is published in, in the order given, without repeats. */
  public static List<String> zones(AppSpec app) {
    if (!app.hasLoadBalancer()) return List.of();
    LoadBalancer lb = app.getLoadBalancer();
    List<String> out = new ArrayList<>(lb.getZonesCount() + 1);
    if (!lb.getZone().isEmpty()) out.add(lb.getZone());
    for (String z : lb.getZonesList()) if (!out.contains(z)) out.add(z);
    return out;
  }

  public static int weight(AppSpec app) {
    int w = app.getLoadBalancer().getWeight();
    return w == 0 ? 1 : w;
  }

  /** The app with {@code zone} added to (or removed from) its zones, and the upstream name set. */
  public static AppSpec withZone(AppSpec app, String zone, String upstream, boolean attach) {
    List<String> zones = new ArrayList<>(zones(app));
    if (attach && !zones.contains(zone)) zones.add(zone);
    if (!attach) zones.remove(zone);
    LoadBalancer.Builder lb = app.getLoadBalancer().toBuilder().clearZone().clearZones().addAllZones(zones);
    if (upstream != null) lb.setUpstream(upstream);
    return app.toBuilder().setLoadBalancer(lb).build();
  }
}
