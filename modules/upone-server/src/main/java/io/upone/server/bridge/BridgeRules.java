package io.upone.server.bridge;

import io.upone.server.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a bridge client may do, the same for TCP and SockJS: receive {@code upone.events.*} (live,
 * or replayed from an index on its own {@code upone.events.replay.<id>} address), nothing else.
 * Every send and publish is refused: the bridge is outbound only.
 */
public final class BridgeRules {
  public static final String REPLAY_PREFIX = Addresses.EVENTS_PREFIX + "replay.";
  /** The addresses events are published on (those of {@code EventJson.address}). */
  public static final List<String> EVENT_ADDRESSES = List.of(Addresses.EVENTS_APP, Addresses.EVENTS_TASK,
      Addresses.EVENTS_JOB, Addresses.EVENTS_FRAMEWORK, Addresses.EVENTS_DEPLOYMENT, Addresses.EVENTS_ALERT,
      Addresses.EVENTS_ZONE);
  private static final int MAX_REPLAY_ID = 100;

  private final BridgeAuth auth;

  public BridgeRules(BridgeAuth auth) {
    this.auth = auth;
  }

  /** A replay asked for by registering {@code upone.events.replay.<id>}: from which index, which addresses. */
  public record Replay(String address, long from, Set<String> addresses) {
    public boolean wants(String eventAddress) {
      return addresses.contains(eventAddress);
    }
  }

  /** Sends and publishes from a client: always refused. */
  public Refusal inbound(String type, String address) {
    return new Refusal("outbound_only", "the upone event bus bridge is outbound only: " + type + " to '" + address
        + "' refused; register on " + Addresses.EVENTS_PREFIX + "* to receive events");
  }

  /** A register frame: null when allowed. */
  public Refusal register(String address, JsonObject headers) {
    if (!auth.accepts(header(headers, "token"))) {
      return new Refusal("token_refused", "register on '" + address + "' refused: missing or wrong token header");
    }
    if (address == null || address.isEmpty()) return new Refusal("missing_address", "a register frame needs an address");
    if (address.startsWith(REPLAY_PREFIX)) {
      try {
        replay(address, headers);
        return null;
      } catch (IllegalArgumentException e) {
        return new Refusal("invalid_replay", e.getMessage());
      }
    }
    if (!EVENT_ADDRESSES.contains(address)) {
      return new Refusal("address_not_permitted", "register on '" + address + "' refused: clients may receive "
          + EVENT_ADDRESSES + " or a replay on " + REPLAY_PREFIX + "<id>");
    }
    return null;
  }

  /**
   * Reads a replay registration: header {@code from} (the first index wanted, at least 1) and
   * optionally {@code addresses} (comma-separated event addresses; all when absent).
   */
  public static Replay replay(String address, JsonObject headers) {
    String id = address.substring(REPLAY_PREFIX.length());
    if (id.isEmpty() || id.length() > MAX_REPLAY_ID || !id.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("replay address '" + address + "': the id after " + REPLAY_PREFIX
          + " must be 1-" + MAX_REPLAY_ID + " letters, digits, '_', '-' or '.' (use a random one, e.g. a UUID)");
    }
    String from = header(headers, "from");
    if (from == null) throw new IllegalArgumentException("replay '" + address + "': header 'from' (first event index, >= 1) is required");
    long n;
    try {
      n = Long.parseLong(from.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("replay '" + address + "': header 'from' must be an integer, got '" + from + "'");
    }
    if (n < 1) throw new IllegalArgumentException("replay '" + address + "': header 'from' must be at least 1, got " + n);
    Set<String> wanted = new LinkedHashSet<>();
    String list = header(headers, "addresses");
    if (list == null || list.isBlank()) {
      wanted.addAll(EVENT_ADDRESSES);
    } else {
      for (String a : list.split(",")) {
        String t = a.strip();
        if (!EVENT_ADDRESSES.contains(t)) {
          throw new IllegalArgumentException("replay '" + address + "': header 'addresses' names '" + t + "'; known: " + EVENT_ADDRESSES);
        }
        wanted.add(t);
      }
    }
    return new Replay(address, n, Set.copyOf(wanted));
  }

  private static String header(JsonObject headers, String name) {
    if (headers == null) return null;
    Object v = headers.getValue(name);
    return v == null ? null : String.valueOf(v);
  }
}
