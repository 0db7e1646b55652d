package io.upone.core.state;

import com.google.protobuf.CodedOutputStream;
import io.upone.core.proto.AppHistory;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Each app's recent versions: a hash of the task configuration of each (so a task launched at an
 * older version whose configuration equals today's is not replaced: scaling and rollbacks keep
 * their tasks), and the whole spec of the newest ones (for {@code /versions} and rollbacks).
 */
final class AppVersions {
  /** Versions whose configuration hash is kept: older tasks are treated as of another configuration. */
  static final int KEEP_HASHES = 64;
  /** Versions whose whole spec is kept. */
  static final int KEEP_SPECS = 10;

  private PersistentMap<String, AppHistory> byApp = PersistentMap.empty();

  /** A copy sharing this one's persistent map: later changes to either leave the other alone. */
  AppVersions copy() {
    AppVersions c = new AppVersions();
    c.byApp = byApp;
    return c;
  }

  /**
   * A hash of what a task is made from: a change of any of it needs new tasks. Instances, the
   * version itself, the upgrade strategy, backoff settings, alerting and load-balancer settings
   * do not change a running task.
   */
  static long configHash(AppSpec spec) {
    AppSpec task = spec.toBuilder().clearVersion().clearInstances().clearUpgradeStrategy().clearBackoffSeconds()
        .clearBackoffFactor().clearMaxLaunchDelaySeconds().clearAlertChannel().clearAlertWebhook().clearLoadBalancer().build();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      task.writeTo(out);
      out.flush();
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray())).getLong();
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void onChanged(AppSpec spec, long atMs) {
    String id = spec.getId();
    AppHistory h = byApp.get(id);
    {
      List<AppVersion> versions = new ArrayList<>(h == null ? List.of() : h.getVersionsList());
      versions.add(AppVersion.newBuilder().setVersion(spec.getVersion()).setConfigHash(configHash(spec)).setSpec(spec)
          .setAtMs(atMs).build());
      if (versions.size() > KEEP_HASHES) versions = new ArrayList<>(versions.subList(versions.size() - KEEP_HASHES, versions.size()));
      for (int i = 0; i < versions.size() - KEEP_SPECS; i++) {
        if (versions.get(i).hasSpec()) versions.set(i, versions.get(i).toBuilder().clearSpec().build());
      }
      byApp = byApp.put(id, AppHistory.newBuilder().setAppId(id).addAllVersions(versions).build());
    }
  }

  void onDeleted(String appId) {
    byApp = byApp.remove(appId);
  }

  List<AppVersion> versions(String appId) {
    AppHistory h = byApp.get(appId);
    return h == null ? List.of() : h.getVersionsList();
  }

  Optional<AppSpec> spec(String appId, long version) {
    for (AppVersion v : versions(appId)) if (v.getVersion() == version && v.hasSpec()) return Optional.of(v.getSpec());
    return Optional.empty();
  }

  OptionalLong hash(String appId, long version) {
    List<AppVersion> vs = versions(appId);
    for (int i = vs.size() - 1; i >= 0; i--) if (vs.get(i).getVersion() == version) return OptionalLong.of(vs.get(i).getConfigHash());
    return OptionalLong.empty();
  }

  Collection<AppHistory> all() {
    return byApp.values();
  }

  void restore(List<AppHistory> histories) {
    for (AppHistory h : histories) byApp = byApp.put(h.getAppId(), h);
  }
}
