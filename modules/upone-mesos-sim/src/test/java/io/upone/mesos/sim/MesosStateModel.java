package io.upone.mesos.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A client's own model of a Mesos master's {@code /master/state}, written from the Mesos source
 * ({@code src/master/readonly_handler.cpp}, {@code src/common/http.cpp}) and independent of the
 * simulator's classes, as a framework decoding the endpoint would have it: unknown fields are
 * ignored, the fields it relies on are required and typed.
 */
final class MesosStateModel {
  private MesosStateModel() {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record State(
      @JsonProperty(value = "version", required = true) String version,
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "pid", required = true) String pid,
      @JsonProperty(value = "hostname", required = true) String hostname,
      @JsonProperty(value = "start_time", required = true) double startTime,
      @JsonProperty(value = "elected_time") Double electedTime,
      @JsonProperty(value = "leader", required = true) String leader,
      @JsonProperty(value = "leader_info", required = true) MasterInfo leaderInfo,
      @JsonProperty(value = "activated_slaves", required = true) double activatedSlaves,
      @JsonProperty(value = "deactivated_slaves", required = true) double deactivatedSlaves,
      @JsonProperty(value = "unreachable_slaves", required = true) double unreachableSlaves,
      @JsonProperty(value = "flags") Map<String, String> flags,
      @JsonProperty(value = "slaves", required = true) List<Agent> slaves,
      @JsonProperty(value = "frameworks", required = true) List<Framework> frameworks,
      @JsonProperty(value = "completed_frameworks", required = true) List<Framework> completedFrameworks) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record MasterInfo(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "pid", required = true) String pid,
      @JsonProperty(value = "port", required = true) int port,
      @JsonProperty(value = "hostname", required = true) String hostname) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Agent(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "pid", required = true) String pid,
      @JsonProperty(value = "hostname", required = true) String hostname,
      @JsonProperty(value = "port", required = true) int port,
      @JsonProperty(value = "registered_time", required = true) double registeredTime,
      @JsonProperty(value = "resources", required = true) Resources resources,
      @JsonProperty(value = "used_resources", required = true) Resources usedResources,
      @JsonProperty(value = "offered_resources", required = true) Resources offeredResources,
      @JsonProperty(value = "unreserved_resources", required = true) Resources unreservedResources,
      @JsonProperty(value = "attributes", required = true) Map<String, Object> attributes,
      @JsonProperty(value = "active", required = true) boolean active,
      @JsonProperty(value = "version", required = true) String version,
      @JsonProperty(value = "capabilities", required = true) List<String> capabilities) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Resources(
      @JsonProperty(value = "cpus", required = true) double cpus,
      @JsonProperty(value = "gpus", required = true) double gpus,
      @JsonProperty(value = "mem", required = true) double mem,
      @JsonProperty(value = "disk", required = true) double disk,
      @JsonProperty(value = "ports") String ports) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Framework(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "user", required = true) String user,
      @JsonProperty(value = "active", required = true) boolean active,
      @JsonProperty(value = "connected", required = true) boolean connected,
      @JsonProperty(value = "capabilities", required = true) List<String> capabilities,
      @JsonProperty(value = "failover_timeout", required = true) double failoverTimeout,
      @JsonProperty(value = "registered_time", required = true) double registeredTime,
      @JsonProperty(value = "unregistered_time", required = true) double unregisteredTime,
      @JsonProperty(value = "role") String role,
      @JsonProperty(value = "roles") List<String> roles,
      @JsonProperty(value = "resources", required = true) Resources resources,
      @JsonProperty(value = "used_resources", required = true) Resources usedResources,
      @JsonProperty(value = "offered_resources", required = true) Resources offeredResources,
      @JsonProperty(value = "tasks", required = true) List<Task> tasks,
      @JsonProperty(value = "unreachable_tasks", required = true) List<Task> unreachableTasks,
      @JsonProperty(value = "completed_tasks", required = true) List<Task> completedTasks,
      @JsonProperty(value = "offers", required = true) List<Offer> offers,
      @JsonProperty(value = "executors", required = true) List<Map<String, Object>> executors) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Task(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "framework_id", required = true) String frameworkId,
      @JsonProperty(value = "executor_id", required = true) String executorId,
      @JsonProperty(value = "slave_id", required = true) String slaveId,
      @JsonProperty(value = "state", required = true) String state,
      @JsonProperty(value = "role", required = true) String role,
      @JsonProperty(value = "resources", required = true) Resources resources,
      @JsonProperty(value = "statuses", required = true) List<Status> statuses,
      @JsonProperty(value = "labels") List<Label> labels) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Status(
      @JsonProperty(value = "state", required = true) String state,
      @JsonProperty(value = "timestamp", required = true) double timestamp) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Label(@JsonProperty(value = "key", required = true) String key, @JsonProperty("value") String value) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Offer(
      @JsonProperty(value = "id", required = true) String id,
      @JsonProperty(value = "framework_id", required = true) String frameworkId,
      @JsonProperty(value = "slave_id", required = true) String slaveId,
      @JsonProperty(value = "allocation_info", required = true) Map<String, String> allocationInfo,
      @JsonProperty(value = "resources", required = true) Resources resources) {}
}
