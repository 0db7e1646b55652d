package io.upone.core.driver;

import io.upone.core.proto.TaskState;

/**
 * A task's status as a driver reports it: from a status update, a heartbeat or a reconcile
 * answer. {@code exitCode} is meaningful for FINISHED/FAILED; {@code reason} is a short code.
 */
public record TaskReport(String taskId, String agentId, TaskState state, int exitCode, String message,
                         String reason, Boolean healthy) {}
