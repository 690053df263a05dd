/**
 * Tasks made by hand (`POST /api/v1/tasks`): stop, start, restart or remove one container on one host. The
 * container name is the Docker container's name (`{stack}-{container}` for stack containers). The id carries
 * host, container, type and creation time, so it reads well in listings and a double submit within the
 * same millisecond collides instead of running twice.
 */
import {
  agentTaskDocument,
  GRAPHIUM_CONTEXT,
  queueKeyOf,
  TASK_PRIORITY,
  type AgentTaskDocument,
  type CreateTaskRequest,
} from '@graphium/shared';

export function manualTaskId(request: CreateTaskRequest, nowMs: number): string {
  return `task:manual:${request.hostId}:${request.containerName}:${request.taskType}:${nowMs}`;
}

export function buildManualTask(request: CreateTaskRequest, nowMs: number, id = manualTaskId(request, nowMs)): AgentTaskDocument {
  const dateCreated = new Date(nowMs).toISOString();
  const priority = request.priority ?? TASK_PRIORITY[request.taskType];
  return agentTaskDocument.parse({
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'AgentTask',
    '@id': id,
    _id: id,
    taskType: request.taskType,
    status: 'pending',
    hostId: request.hostId,
    ...(request.stackId === undefined ? {} : { stackId: request.stackId }),
    containerName: request.containerName,
    priority,
    payload: { ...request.payload, kind: 'target', containerName: request.containerName },
    queueKey: queueKeyOf(priority, dateCreated),
    dateCreated,
  });
}
