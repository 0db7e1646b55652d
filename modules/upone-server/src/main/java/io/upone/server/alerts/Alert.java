package io.upone.server.alerts;

/**
 * One thing to tell a channel, derived from one committed event.
 *
 * @param index     the log index of the event it comes from (what the watermark counts)
 * @param atMs      the event's timestamp
 * @param host      the task's host, or ""
 * @param image     the container image, or the command, of the app or job; or ""
 * @param createdMs when the task was launched, or 0
 * @param exitCode  the task's exit code, or null
 * @param agentId   the task's agent, for its output; or ""
 */
public record Alert(long index, long atMs, AlertKind kind, Route route, String appId, String taskId, String host,
                   String image, long createdMs, String message, Integer exitCode, String agentId) {
  public Alert {
    taskId = taskId == null ? "" : taskId;
    host = host == null ? "" : host;
    image = image == null ? "" : image;
    message = message == null ? "" : message;
    agentId = agentId == null ? "" : agentId;
  }
}
