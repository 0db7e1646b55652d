package io.upone.core.state;

import com.google.protobuf.CodedOutputStream;
import io.upone.core.Problem;
import io.upone.core.proto.AppCreated;
import io.upone.core.proto.AppDeleted;
import io.upone.core.proto.AppScaled;
import io.upone.core.proto.AppSpec;
import io.upone.core.proto.AppUpdated;
import io.upone.core.proto.Event;
import io.upone.core.proto.FrameworkRegistered;
import io.upone.core.proto.Proposal;
import io.upone.core.proto.StateSnapshot;
import io.upone.core.proto.TaskLaunched;
import io.upone.core.proto.TaskRecord;
import io.upone.core.proto.TaskState;
import io.upone.core.proto.TaskStatusChanged;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The projection of the event log: apps, live tasks, jobs, deployments, zones and the framework
 * id. One writer (the log's apply thread) changes it; readers on other threads never touch the
 * writer: they read a {@link #view()}, which shares the writer's persistent maps as they were
 * when it was taken and never changes.
 *
 * <p>Pure and deterministic: no clock, no randomness, no I/O. Times and ids travel inside events.
 * Applying the same events in the same order always yields the same {@link #hash()}.
 */
public final class State {
  private PersistentMap<String, AppSpec> apps = PersistentMap.empty();
  private PersistentMap<String, Task> tasks = PersistentMap.empty();
  private PersistentMap<String, PersistentMap<String, Task>> tasksByApp = PersistentMap.empty();
  /** Agent ids, hostnames and app ids repeat across thousands of tasks; keep one copy of each (writer only). */
  private final Map<String, String> pool;
  private final JobBook jobs;
  private final AppVersions versions;
  private final DeploymentBook deployments;
  private final ZoneBook zones;
  /** raft endpoint -> HTTP URL of members the log was told about (sorted: it is part of the hash). */
  private PersistentMap<String, String> memberUrls = PersistentMap.empty();
  private String frameworkId = "";
  private String frameworkMaster = "";
  private long lastEventIndex;
  private long alertsSentThrough;
  private long lastEntryIndex;
  private long lastTerm;
  /** A view: what the writer held when it was taken, never changed after. */
  private final boolean frozen;

  /** An empty projection to apply events to (the writer). */
  public State() {
    this.pool = new HashMap<>();
    this.jobs = new JobBook();
    this.versions = new AppVersions();
    this.deployments = new DeploymentBook();
    this.zones = new ZoneBook();
    this.frozen = false;
  }

  private State(State w) {
    this.apps = w.apps;
    this.tasks = w.tasks;
    this.tasksByApp = w.tasksByApp;
    this.pool = Map.of();
    this.jobs = w.jobs.copy();
    this.versions = w.versions.copy();
    this.deployments = w.deployments.copy();
    this.zones = w.zones.copy();
    this.memberUrls = w.memberUrls;
    this.frameworkId = w.frameworkId;
    this.frameworkMaster = w.frameworkMaster;
    this.lastEventIndex = w.lastEventIndex;
    this.alertsSentThrough = w.alertsSentThrough;
    this.lastEntryIndex = w.lastEntryIndex;
    this.lastTerm = w.lastTerm;
    this.frozen = true;
  }

  /**
   * An immutable view of the state as it is now: later applies do not change it. Costs a few
   * pointers (every map is persistent), so the log publishes one after each applied entry and
   * every reader decides on one view for the whole of its work.
   */
  public State view() {
    return frozen ? this : new State(this);
  }

  /** Whether this is a view (read-only) rather than the log's writer. */
  public boolean isView() {
    return frozen;
  }

  // ---- reads -------------------------------------------------------------------------------

  public Optional<AppSpec> app(String id) {
    return Optional.ofNullable(apps.get(id));
  }

  public Collection<AppSpec> apps() {
    return apps.values();
  }

  public int appCount() {
    return apps.size();
  }

  public Optional<Task> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  public Collection<Task> tasks() {
    return tasks.values();
  }

  public int taskCount() {
    return tasks.size();
  }

  public Collection<Task> tasksOf(String appId) {
    PersistentMap<String, Task> m = tasksByApp.get(appId);
    return m == null ? List.of() : m.values();
  }

  public Optional<io.upone.core.proto.JobRecord> job(String id) {
    return jobs.job(id);
  }

  public Collection<io.upone.core.proto.JobRecord> jobs() {
    return jobs.jobs();
  }

  /** Jobs that have active runs (fired or started), without walking the idle ones. */
  public List<io.upone.core.proto.JobRecord> jobsWithActiveRuns() {
    return jobs.withActiveRuns();
  }

  /** An app's recent versions, oldest first; the newest ones with their whole spec. */
  public List<io.upone.core.proto.AppVersion> appVersions(String appId) {
    return versions.versions(appId);
  }

  /** The spec of one of the app's recent versions. */
  public Optional<AppSpec> appSpec(String appId, long version) {
    return versions.spec(appId, version);
  }

  /**
   * Whether a task runs its app's current configuration: launched at the current version, or at
   * a version whose task configuration is the same (a scale, a rollback). Tasks of deleted apps
   * and of versions too old to remember are not.
   */
  public boolean currentConfig(Task t) {
    AppSpec app = apps.get(t.appId());
    if (app == null) return false;
    if (t.appVersion() == app.getVersion()) return true;
    java.util.OptionalLong mine = versions.hash(t.appId(), t.appVersion());
    return mine.isPresent() && mine.equals(versions.hash(app.getId(), app.getVersion()));
  }

  /** A hash of what an app's tasks are made of: equal hashes, interchangeable tasks. */
  public static long configHash(AppSpec spec) {
    return AppVersions.configHash(spec);
  }

  /** The app's running deployment, if one runs. */
  public Optional<io.upone.core.proto.Deployment> deployment(String appId) {
    return deployments.active(appId);
  }

  /** Running deployments. */
  public Collection<io.upone.core.proto.Deployment> activeDeployments() {
    return deployments.active();
  }

  /** Running deployments (by app) then the recent finished ones (oldest first). */
  public List<io.upone.core.proto.Deployment> deployments() {
    return deployments.all();
  }

  public Optional<io.upone.core.proto.Deployment> deploymentById(String id) {
    return deployments.find(id);
  }

  public Optional<io.upone.core.proto.ZoneSpec> zone(String name) {
    return zones.zone(name);
  }

  public Collection<io.upone.core.proto.ZoneSpec> zones() {
    return zones.zones();
  }

  /** Why {@code app} cannot be published where its {@code loadBalancer} says (unknown zone, upstream taken). */
  public Optional<Problem> checkPublished(AppSpec app) {
    return zones.checkPublished(app, apps.values());
  }

  public String frameworkId() {
    return frameworkId;
  }

  /** The HTTP URL of a raft member the log knows about, if any. */
  public Optional<String> memberUrl(String raftEndpoint) {
    return Optional.ofNullable(memberUrls.get(raftEndpoint));
  }

  public Map<String, String> memberUrls() {
    Map<String, String> out = new HashMap<>();
    memberUrls.forEach(out::put);
    return Map.copyOf(out);
  }

  public String frameworkMaster() {
    return frameworkMaster;
  }

  /** Alerting's watermark: alerts of events up to this index were delivered or given up ({@code AlertsSent}). */
  public long alertsSentThrough() {
    return alertsSentThrough;
  }

  public long lastEventIndex() {
    return lastEventIndex;
  }

  public long lastEntryIndex() {
    return lastEntryIndex;
  }

  public long lastTerm() {
    return lastTerm;
  }

  // ---- writes (the log's apply thread only) --------------------------------------------------

  /**
   * Applies one proposal all or nothing. Every event is checked against the state as it was
   * before the proposal; if any check fails nothing changes and the refusal is thrown. On
   * success the events are returned as committed: index, term and entry index filled in.
   */
  public List<Event> applyProposal(Proposal p, long entryIndex, long term) {
    writable();
    Set<String> touchedApps = p.getEventsCount() > 1 ? new HashSet<>() : null; // most proposals hold one event
    for (Event e : p.getEventsList()) {
      String app = touchedApps == null ? null : appIdOf(e);
      if (app != null && !touchedApps.add(app)) {
        throw Problem.conflict("proposal_invalid", "one proposal may change app " + app + " only once").asFailure();
      }
      check(e).ifPresent(pr -> {
        throw pr.asFailure();
      });
    }
    List<Event> committed = new ArrayList<>(p.getEventsCount());
    for (Event e : p.getEventsList()) {
      Event c = e.toBuilder().setIndex(lastEventIndex + 1).setTerm(term).setEntryIndex(entryIndex).build();
      apply(c);
      committed.add(c);
    }
    lastEntryIndex = entryIndex;
    lastTerm = term;
    return committed;
  }

  /** Marks a log entry as applied even if all of its proposals were refused. */
  public void entryApplied(long entryIndex, long term) {
    writable();
    lastEntryIndex = entryIndex;
    lastTerm = term;
  }

  /** Why the event cannot be applied to the current state, if it cannot. */
  public Optional<Problem> check(Event e) {
    return switch (e.getPayloadCase()) {
      case APP_CREATED -> apps.containsKey(e.getAppCreated().getSpec().getId())
          ? Optional.of(Problem.conflict("app_exists", "app " + e.getAppCreated().getSpec().getId() + " already exists", "id"))
          : jobs.job(e.getAppCreated().getSpec().getId()).isPresent()
          // a job's tasks are filed under its id, so apps and jobs share one id space
          ? Optional.of(Problem.conflict("id_taken_by_job", "a job has the id " + e.getAppCreated().getSpec().getId(), "id"))
          : zones.checkPublished(e.getAppCreated().getSpec(), apps.values());
      case APP_UPDATED -> expectVersion(e.getAppUpdated().getSpec().getId(), e.getAppUpdated().getPreviousVersion())
          .or(() -> zones.checkPublished(e.getAppUpdated().getSpec(), apps.values()));
      case ZONE_CREATED, ZONE_UPDATED, ZONE_DELETED -> zones.check(e, apps.values());
      case APP_SCALED -> expectVersion(e.getAppScaled().getAppId(), e.getAppScaled().getPreviousVersion());
      case APP_DELETED -> expectVersion(e.getAppDeleted().getAppId(), e.getAppDeleted().getPreviousVersion());
      case TASK_STATUS_CHANGED -> switch (e.getTaskStatusChanged().getState()) {
        // a state this build does not know (e.g. written by a newer version) cannot be projected
        case UNRECOGNIZED, TASK_STATE_UNSPECIFIED -> Optional.of(new Problem(Problem.Kind.INVALID, "unknown_task_state",
            "task state " + e.getTaskStatusChanged().getStateValue() + " is not known to this version", List.of()));
        default -> Optional.empty();
      };
      case PAYLOAD_NOT_SET -> Optional.of(Problem.conflict("event_empty", "event has no payload"));
      case JOB_CREATED -> apps.containsKey(e.getJobCreated().getSpec().getId())
          ? Optional.of(Problem.conflict("id_taken_by_app", "an app has the id " + e.getJobCreated().getSpec().getId(), "id"))
          : jobs.check(e);
      case JOB_UPDATED, JOB_DELETED, JOB_RUN_FIRED, JOB_RUN_MISSED, JOB_RUN_FINISHED -> jobs.check(e);
      case DEPLOYMENT_STARTED, DEPLOYMENT_PHASE_CHANGED, DEPLOYMENT_FINISHED -> deployments.check(e);
      // a deposed leader's late watermark must not move it back
      case ALERTS_SENT -> e.getAlertsSent().getThroughIndex() <= alertsSentThrough
          ? Optional.of(Problem.conflict("stale_watermark", "alerts are already recorded sent through index "
              + alertsSentThrough + ", not moving back to " + e.getAlertsSent().getThroughIndex()))
          : Optional.empty();
      default -> Optional.empty();
    };
  }

  private void writable() {
    if (frozen) throw new IllegalStateException("a view of the state is read-only");
  }

  private Optional<Problem> expectVersion(String appId, long previous) {
    AppSpec cur = apps.get(appId);
    if (cur == null) return Optional.of(Problem.notFound("app_not_found", "app " + appId + " does not exist"));
    if (cur.getVersion() != previous) {
      return Optional.of(Problem.conflict("stale_version",
          "app " + appId + " is at version " + cur.getVersion() + ", not " + previous, "version"));
    }
    return Optional.empty();
  }

  private static String appIdOf(Event e) {
    return switch (e.getPayloadCase()) {
      case APP_CREATED -> e.getAppCreated().getSpec().getId();
      case APP_UPDATED -> e.getAppUpdated().getSpec().getId();
      case APP_SCALED -> e.getAppScaled().getAppId();
      case APP_DELETED -> e.getAppDeleted().getAppId();
      case JOB_CREATED -> "job:" + e.getJobCreated().getSpec().getId();
      case JOB_UPDATED -> "job:" + e.getJobUpdated().getSpec().getId();
      case JOB_DELETED -> "job:" + e.getJobDeleted().getJobId();
      case JOB_RUN_FIRED -> "job:" + e.getJobRunFired().getJobId();
      case JOB_RUN_MISSED -> "job:" + e.getJobRunMissed().getJobId();
      case ZONE_CREATED -> "zone:" + e.getZoneCreated().getSpec().getName();
      case ZONE_UPDATED -> "zone:" + e.getZoneUpdated().getSpec().getName();
      case ZONE_DELETED -> "zone:" + e.getZoneDeleted().getName();
      default -> null;
    };
  }

  /**
   * Applies one already-checked, committed event. (Checks run against the state before the
   * proposal, which is why a proposal may touch one app or job at most once.)
   */
  void apply(Event e) {
    writable();
    switch (e.getPayloadCase()) {
      case APP_CREATED -> onAppCreated(e.getAppCreated(), e.getTimestampMs());
      case APP_UPDATED -> onAppUpdated(e.getAppUpdated(), e.getTimestampMs());
      case APP_SCALED -> onAppScaled(e.getAppScaled(), e.getTimestampMs());
      case APP_DELETED -> onAppDeleted(e.getAppDeleted(), e.getTimestampMs());
      case TASK_LAUNCHED -> onTaskLaunched(e.getTaskLaunched(), e.getTimestampMs());
      case TASK_STATUS_CHANGED -> onTaskStatusChanged(e.getTaskStatusChanged(), e.getTimestampMs());
      case FRAMEWORK_REGISTERED -> onFrameworkRegistered(e.getFrameworkRegistered());
      case JOB_CREATED -> jobs.onJobCreated(e.getJobCreated(), e.getTimestampMs());
      case JOB_UPDATED -> jobs.onJobUpdated(e.getJobUpdated(), e.getTimestampMs());
      case JOB_DELETED -> jobs.onJobDeleted(e.getJobDeleted());
      case JOB_RUN_FIRED -> jobs.onJobRunFired(e.getJobRunFired(), e.getTimestampMs());
      case JOB_RUN_MISSED -> jobs.onJobRunMissed(e.getJobRunMissed(), e.getTimestampMs());
      case JOB_RUN_FINISHED -> jobs.onJobRunFinished(e.getJobRunFinished(), e.getTimestampMs());
      case DEPLOYMENT_STARTED -> deployments.onStarted(e.getDeploymentStarted(), e.getTimestampMs());
      case DEPLOYMENT_PHASE_CHANGED -> deployments.onPhaseChanged(e.getDeploymentPhaseChanged());
      case DEPLOYMENT_FINISHED -> deployments.onFinished(e.getDeploymentFinished(), e.getTimestampMs());
      case ALERT_RAISED -> { } // a fact for alerting and the record; it changes no state
      case ALERTS_SENT -> alertsSentThrough = e.getAlertsSent().getThroughIndex();
      case ZONE_CREATED, ZONE_UPDATED, ZONE_DELETED -> zones.apply(e);
      case MEMBER_ADDRESSED -> onMemberAddressed(e.getMemberAddressed());
      case TASK_READY -> onTaskReady(e.getTaskReady(), e.getTimestampMs());
      default -> throw new IllegalStateException("unhandled event " + e.getPayloadCase());
    }
    lastEventIndex = e.getIndex();
  }

  private void onAppCreated(AppCreated e, long atMs) {
    apps = apps.put(e.getSpec().getId(), e.getSpec());
    versions.onChanged(e.getSpec(), atMs);
  }

  private void onAppUpdated(AppUpdated e, long atMs) {
    apps = apps.put(e.getSpec().getId(), e.getSpec());
    versions.onChanged(e.getSpec(), atMs);
  }

  private void onAppScaled(AppScaled e, long atMs) {
    AppSpec cur = apps.get(e.getAppId());
    AppSpec next = cur.toBuilder().setInstances(e.getInstances()).setVersion(e.getPreviousVersion() + 1).build();
    apps = apps.put(e.getAppId(), next);
    versions.onChanged(next, atMs);
  }

  private void onAppDeleted(AppDeleted e, long atMs) {
    // Its tasks stay until they are reported terminal: the lifecycle kills them.
    apps = apps.remove(e.getAppId());
    versions.onDeleted(e.getAppId());
    deployments.onAppDeleted(e.getAppId(), atMs);
  }

  private void onTaskLaunched(TaskLaunched e, long atMs) {
    jobs.onTaskLaunched(e, atMs);
    int[] ports = new int[e.getHostPortsCount()];
    for (int i = 0; i < ports.length; i++) ports[i] = e.getHostPorts(i);
    putTask(new Task(e.getTaskId(), intern(e.getAppId()), e.getAppVersion(), intern(e.getAgentId()),
        intern(e.getHostname()), ports, TaskState.TASK_STAGING, "", 0, (byte) 0, false, atMs, atMs, 0, e.getRunId()));
  }

  private void onTaskStatusChanged(TaskStatusChanged e, long atMs) {
    Task cur = tasks.get(e.getTaskId());
    if (cur == null) return; // a late update for a task already gone: a fact, but nothing to change
    jobs.onTaskStatus(cur, e, atMs);
    if (cur.runId().isEmpty()) deployments.onTaskStatus(cur, e, currentConfig(cur));
    if (Task.isTerminal(e.getState())) {
      removeTask(cur);
      return;
    }
    byte health = e.getHasHealth() ? (e.getHealthy() ? (byte) 1 : (byte) 2) : 0;
    putTask(cur.withStatus(e.getState(), e.getMessage(), e.getExitCode(), health, atMs));
  }

  private void onTaskReady(io.upone.core.proto.TaskReady e, long atMs) {
    Task cur = tasks.get(e.getTaskId());
    if (cur == null || cur.ready()) return; // gone meanwhile, or said twice (a new leader probed again)
    putTask(cur.asReady(atMs));
  }

  private void onMemberAddressed(io.upone.core.proto.MemberAddressed e) {
    memberUrls = e.getHttpUrl().isEmpty() ? memberUrls.remove(e.getRaftEndpoint())
        : memberUrls.put(e.getRaftEndpoint(), e.getHttpUrl());
  }

  private void onFrameworkRegistered(FrameworkRegistered e) {
    frameworkId = e.getFrameworkId();
    frameworkMaster = e.getMaster();
  }

  private void putTask(Task t) {
    tasks = tasks.put(t.id(), t);
    PersistentMap<String, Task> of = tasksByApp.get(t.appId());
    tasksByApp = tasksByApp.put(t.appId(), (of == null ? PersistentMap.<String, Task>empty() : of).put(t.id(), t));
  }

  private void removeTask(Task t) {
    tasks = tasks.remove(t.id());
    PersistentMap<String, Task> of = tasksByApp.get(t.appId());
    if (of == null) return;
    of = of.remove(t.id());
    tasksByApp = of.isEmpty() ? tasksByApp.remove(t.appId()) : tasksByApp.put(t.appId(), of);
  }

  private String intern(String s) {
    if (s.isEmpty()) return "";
    String have = pool.putIfAbsent(s, s);
    return have == null ? s : have;
  }

  // ---- snapshots and hashing -----------------------------------------------------------------

  /** A canonical copy: apps and tasks sorted by id, so equal states give equal bytes. */
  public StateSnapshot snapshot() {
    StateSnapshot.Builder b = StateSnapshot.newBuilder()
        .setLastEventIndex(lastEventIndex).setLastEntryIndex(lastEntryIndex).setLastTerm(lastTerm)
        .setFrameworkId(frameworkId).setFrameworkMaster(frameworkMaster);
    apps.values().stream().sorted(Comparator.comparing(AppSpec::getId)).forEach(b::addApps);
    tasks.values().stream().sorted(Comparator.comparing(Task::id)).forEach(t -> b.addTasks(t.toRecord()));
    b.addAllJobs(jobs.sorted());
    versions.all().stream().sorted(Comparator.comparing(io.upone.core.proto.AppHistory::getAppId)).forEach(b::addAppHistories);
    b.addAllDeployments(deployments.all());
    b.addAllZones(zones.sorted());
    new java.util.TreeMap<>(memberUrls()).forEach((raft, url) -> b.addMembers(
        io.upone.core.proto.MemberAddressed.newBuilder().setRaftEndpoint(raft).setHttpUrl(url)));
    if (alertsSentThrough > 0) b.setAlertsSentThrough(alertsSentThrough);
    // an older build would drop what it does not know and hold another state: make it refuse the snapshot
    boolean readiness = b.getAppsList().stream().anyMatch(a -> a.getReadinessChecksCount() > 0)
        || b.getTasksList().stream().anyMatch(TaskRecord::getReady)
        || b.getDeploymentsList().stream().anyMatch(d -> d.getPhase() == io.upone.core.proto.DeploymentPhase.SWITCHING);
    int format = readiness || alertsSentThrough > 0 || namesWebhook(b) ? 4
        : b.getAppHistoriesCount() > 0 || b.getDeploymentsCount() > 0 || b.getZonesCount() > 0 ? 3
        : b.getMembersCount() > 0 ? 2 : 1;
    if (format > 1) b.setFormat(format);
    return b.build();
  }

  private static boolean namesWebhook(StateSnapshot.Builder b) {
    return b.getAppsList().stream().anyMatch(a -> !a.getAlertWebhook().isEmpty())
        || b.getJobsList().stream().anyMatch(j -> !j.getSpec().getAlertWebhook().isEmpty())
        || b.getAppHistoriesList().stream().flatMap(h -> h.getVersionsList().stream())
            .anyMatch(v -> !v.getSpec().getAlertWebhook().isEmpty());
  }

  public static State restore(StateSnapshot s) {
    State st = new State();
    st.alertsSentThrough = s.getAlertsSentThrough();
    st.lastEventIndex = s.getLastEventIndex();
    st.lastEntryIndex = s.getLastEntryIndex();
    st.lastTerm = s.getLastTerm();
    st.frameworkId = s.getFrameworkId();
    st.frameworkMaster = s.getFrameworkMaster();
    for (AppSpec a : s.getAppsList()) st.apps = st.apps.put(a.getId(), a);
    st.jobs.restore(s.getJobsList());
    st.versions.restore(s.getAppHistoriesList());
    st.deployments.restore(s.getDeploymentsList());
    st.zones.restore(s.getZonesList());
    for (io.upone.core.proto.MemberAddressed m : s.getMembersList()) st.memberUrls = st.memberUrls.put(m.getRaftEndpoint(), m.getHttpUrl());
    for (TaskRecord r : s.getTasksList()) {
      int[] ports = new int[r.getHostPortsCount()];
      for (int i = 0; i < ports.length; i++) ports[i] = r.getHostPorts(i);
      byte health = r.getHasHealth() ? (r.getHealthy() ? (byte) 1 : (byte) 2) : 0;
      st.putTask(new Task(r.getTaskId(), st.intern(r.getAppId()), r.getAppVersion(), st.intern(r.getAgentId()),
          st.intern(r.getHostname()), ports, r.getState(), r.getMessage(), r.getExitCode(), health, r.getReady(),
          r.getLaunchedAtMs(), r.getUpdatedAtMs(), r.getRunningAtMs(), r.getRunId()));
    }
    return st;
  }

  /**
   * SHA-256 of the canonical snapshot, hex. Equal states, equal hashes. Where in the raft log the
   * state was reached (entry index, term) is left out: a refused entry changes nothing.
   */
  public String hash() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      snapshot().toBuilder().clearLastEntryIndex().clearLastTerm().build().writeTo(out);
      out.flush();
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
