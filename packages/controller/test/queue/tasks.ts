/** Builders of valid AgentTask documents for queue tests. */
import {
  agentTaskDocument,
  GRAPHIUM_CONTEXT,
  queueKeyOf,
  TASK_PRIORITY,
  type AgentTaskDocument,
  type TaskType,
} from '@graphium/shared';

export interface TaskSpec {
  id: string;
  hostId?: string;
  taskType?: TaskType;
  priority?: number;
  stackId?: string;
  /** Default: a fixed instant, so queue order is decided by priority, then id. */
  dateCreated?: string;
  dependsOn?: string[];
  dependsOnHealthy?: string[];
  wakeHosts?: string[];
  notBefore?: string;
  maxAttempts?: number;
  /** Pending endpoints of a deploy payload: env prefix → binding. Makes the payload a deploy payload. */
  pendingEndpoints?: Record<string, { container: string; containerPort: number; hostAddress: string; taskId: string }>;
  injectedEnv?: Record<string, string>;
}

export const BASE_TIME = '2030-01-01T00:00:00.000Z';

export function task(spec: TaskSpec): AgentTaskDocument {
  const taskType = spec.taskType ?? 'deploy';
  const priority = spec.priority ?? TASK_PRIORITY[taskType];
  const dateCreated = spec.dateCreated ?? BASE_TIME;
  const container = spec.id.replace(/[^a-z0-9-]/gi, '-');
  const payload =
    spec.pendingEndpoints !== undefined || spec.injectedEnv !== undefined
      ? {
          kind: 'deploy',
          containerName: `stack-${container}`,
          containerSpec: { name: container, image: 'busybox:latest' },
          specHash: 'hash',
          pendingEndpoints: spec.pendingEndpoints ?? {},
          injectedEnv: spec.injectedEnv ?? {},
        }
      : { kind: 'target', containerName: `stack-${container}` };
  return agentTaskDocument.parse({
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'AgentTask',
    '@id': spec.id,
    _id: spec.id,
    taskType,
    status: 'pending',
    hostId: spec.hostId ?? 'h1',
    ...(spec.stackId === undefined ? {} : { stackId: spec.stackId }),
    containerName: container,
    priority,
    payload,
    dependsOn: spec.dependsOn ?? [],
    dependsOnHealthy: spec.dependsOnHealthy ?? [],
    wakeHosts: spec.wakeHosts ?? [],
    queueKey: queueKeyOf(priority, dateCreated),
    ...(spec.notBefore === undefined ? {} : { notBefore: spec.notBefore }),
    ...(spec.maxAttempts === undefined ? {} : { maxAttempts: spec.maxAttempts }),
    dateCreated,
  });
}

/** `count` tasks `prefix-000`, `prefix-001`, … on one host. */
export function tasks(prefix: string, count: number, spec: Omit<TaskSpec, 'id'> = {}): AgentTaskDocument[] {
  return Array.from({ length: count }, (_, i) => task({ ...spec, id: `${prefix}-${String(i).padStart(3, '0')}` }));
}
