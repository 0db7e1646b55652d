package io.upone.placement;

import io.upone.core.AppValidator;
import io.upone.core.driver.PortRange;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.NetworkMode;
import io.upone.core.proto.PortDefinition;
import io.upone.core.proto.PortMapping;

/** Host ports for one instance: fixed ones as asked, dynamic ones (0) from the offered ranges, never one twice. */
final class PortAllocation {
  private PortAllocation() {}

  /** The host ports an app asks for, in its port order; 0 = any. */
  static int[] wanted(AppSpec app) {
    int[] out = new int[AppValidator.portCount(app)];
    if (app.getNetworkMode() == NetworkMode.BRIDGE) {
      for (int i = 0; i < out.length; i++) {
        PortMapping m = app.getContainer().getPortMappings(i);
        out[i] = m.getHostPort();
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        PortDefinition d = app.getPortDefinitions(i);
        out[i] = app.getRequirePorts() ? d.getPort() : 0;
      }
    }
    return out;
  }

  /** Ports for {@code wanted} in {@code slot}, or null when they do not fit. Does not change the slot. */
  static int[] allocate(OfferSlot slot, int[] wanted) {
    int[] out = new int[wanted.length];
    for (int i = 0; i < wanted.length; i++) {
      int w = wanted[i];
      if (w == 0) continue;
      if (slot.portUsed(w) || !inRanges(slot, w) || contains(out, i, w)) return null;
      out[i] = w;
    }
    for (int i = 0; i < wanted.length; i++) {
      if (wanted[i] != 0) continue;
      int pick = pick(slot, out);
      if (pick == 0) return null;
      out[i] = pick;
    }
    return out;
  }

  private static int pick(OfferSlot slot, int[] taken) {
    for (PortRange r : slot.portRanges()) {
      int p = slot.nextFreePort(r.begin());
      while (p <= r.end()) {
        if (!contains(taken, taken.length, p)) return p;
        p = slot.nextFreePort(p + 1);
      }
    }
    return 0;
  }

  private static boolean inRanges(OfferSlot slot, int port) {
    for (PortRange r : slot.portRanges()) if (r.contains(port)) return true;
    return false;
  }

  private static boolean contains(int[] ports, int upTo, int port) {
    for (int i = 0; i < upTo; i++) if (ports[i] == port) return true;
    return false;
  }
}
