package io.upone.server.auth;

import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role {
  /** every GET: apps, tasks, jobs, events, cluster state, metrics */
  READ,
  /** plus every change to apps, jobs, tasks, deployments, zones */
  WRITE,
  /** plus the group itself: members, leadership, snapshots, framework teardown */
  ADMIN;

  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String s) {
    return switch (s) {
      case "read" -> READ;
      case "write" -> WRITE;
      case "admin" -> ADMIN;
      default -> throw new IllegalArgumentException("role must be read, write or admin, got '" + s + "'");
    };
  }
}
