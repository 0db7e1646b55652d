package io.upone.server.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.upone.core.proto.Event;

import io.vertx.core.json.JsonObject;

/** Events as JSON: the protobuf JSON mapping of {@link Event} (lowerCamelCase field names). */
public final class EventJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private EventJson() {}

  public static String text(Event e) {
    try {
      return PRINTER.print(e);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }

  public static JsonObject json(Event e) {
    return new JsonObject(text(e));
  }

  /** The payload kind as named in the event catalogue, e.g. {@code AppCreated}. */
  public static String type(Event e) {
    return switch (e.getPayloadCase()) {
      case APP_CREATED -> "AppCreated";
      case APP_UPDATED -> "AppUpdated";
      case APP_SCALED -> "AppScaled";
      case APP_DELETED -> "AppDeleted";
      case TASK_LAUNCHED -> "TaskLaunched";
      case TASK_STATUS_CHANGED -> "TaskStatusChanged";
      case TASK_READY -> "TaskReady";
      case FRAMEWORK_REGISTERED -> "FrameworkRegistered";
      case JOB_CREATED -> "JobCreated";
      case JOB_UPDATED -> "JobUpdated";
      case JOB_DELETED -> "JobDeleted";
      case JOB_RUN_FIRED -> "JobRunFired";
      case JOB_RUN_MISSED -> "JobRunMissed";
      case JOB_RUN_FINISHED -> "JobRunFinished";
      case DEPLOYMENT_STARTED -> "DeploymentStarted";
      case DEPLOYMENT_PHASE_CHANGED -> "DeploymentPhaseChanged";
      case DEPLOYMENT_FINISHED -> "DeploymentFinished";
      case ALERT_RAISED -> "AlertRaised";
      case ALERTS_SENT -> "AlertsSent";
      case ZONE_CREATED -> "ZoneCreated";
      case ZONE_UPDATED -> "ZoneUpdated";
      case ZONE_DELETED -> "ZoneDeleted";
      case MEMBER_ADDRESSED -> "MemberAddressed";
      case PAYLOAD_NOT_SET -> "Unknown";
    };
  }

  /** The event bus address an event is published on. */
  public static String address(Event e) {
    return switch (e.getPayloadCase()) {
      case APP_CREATED, APP_UPDATED, APP_SCALED, APP_DELETED -> Addresses.EVENTS_APP;
      case TASK_LAUNCHED, TASK_STATUS_CHANGED, TASK_READY -> Addresses.EVENTS_TASK;
      case JOB_CREATED, JOB_UPDATED, JOB_DELETED, JOB_RUN_FIRED, JOB_RUN_MISSED, JOB_RUN_FINISHED -> Addresses.EVENTS_JOB;
      case DEPLOYMENT_STARTED, DEPLOYMENT_PHASE_CHANGED, DEPLOYMENT_FINISHED -> Addresses.EVENTS_DEPLOYMENT;
      case ALERT_RAISED, ALERTS_SENT -> Addresses.EVENTS_ALERT;
      case ZONE_CREATED, ZONE_UPDATED, ZONE_DELETED -> Addresses.EVENTS_ZONE;
      default -> Addresses.EVENTS_FRAMEWORK;
    };
  }
}
