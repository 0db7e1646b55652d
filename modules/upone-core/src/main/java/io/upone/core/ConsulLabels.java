package io.upone.core;

import io.upone.core.proto.AppSpec;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How an app asks to be registered in Consul, through labels (as marathon-consul users write
 * them): {@code consul} = {@code true} (a name made from the app id) or the service name;
 * {@code consul-port-index} = which host port. Checked when the app is written, so a name Consul
 * would refuse is a 400 naming the label, not a failure at registration time.
 */
public final class ConsulLabels {
  public static final String SERVICE = "consul";
  public static final String TAGS = "consul-tags";
  public static final String PORT_INDEX = "consul-port-index";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");

  private ConsulLabels() {}

  /** The service an app registers as, or empty when it does not opt in (or names an unusable one). */
  public static Optional<String> serviceName(AppSpec app) {
    String v = app.getLabelsMap().get(SERVICE);
    if (v == null || v.isBlank() || v.equalsIgnoreCase("false")) return Optional.empty();
    String name = v.equalsIgnoreCase("true") ? app.getId().replaceFirst("^/", "").replace('/', '-').replace('.', '-') : v.trim();
    return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
  }

  public static int portIndex(AppSpec app) {
    return Integer.parseInt(app.getLabelsMap().getOrDefault(PORT_INDEX, "0"));
  }

  /** What is wrong with the app's Consul labels, if anything. */
  public static Optional<FieldError> problem(AppSpec app) {
    Map<String, String> l = app.getLabelsMap();
    String v = l.get(SERVICE);
    if (v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && serviceName(app).isEmpty()) {
      return Optional.of(new FieldError("labels." + SERVICE, "'" + v + "' is not a Consul service name: letters, digits and '-',"
          + " at most 63, starting and ending with a letter or digit (or 'true' for a name made from the app id)"));
    }
    String port = l.get(PORT_INDEX);
    if (port != null && !port.matches("\\d{1,2}")) {
      return Optional.of(new FieldError("labels." + PORT_INDEX, "'" + port + "' is not a port index (0, 1, ...)"));
    }
    return Optional.empty();
  }
}
