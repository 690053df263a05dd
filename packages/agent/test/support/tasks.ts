/** Task documents for tests, completed with the schema's defaults exactly as the controller would send them. */
import { agentTaskDocument, type AgentTaskDocument, type ContainerSpec, type TaskType } from '@graphium/shared';
import { randomBytes } from 'node:crypto';

let counter = 0;

export interface DeployTaskOptions {
  stack?: string;
  container?: Partial<ContainerSpec> & { name?: string };
  pullPolicy?: 'always' | 'if-not-present' | 'never';
  injectedEnv?: Record<string, string>;
  network?: string;
  specHash?: string;
  labels?: Record<string, string>;
  id?: string;
}

function base(type: TaskType, containerName: string, stack: string, id?: string) {
  const taskId = id ?? `task:stack:${stack}:1:${containerName}:${type}:${++counter}`;
  return {
    '@type': 'AgentTask',
    '@id': taskId,
    _id: taskId,
    taskType: type,
    status: 'claimed',
    hostId: 'vm1',
    stackId: `stack:${stack}`,
    containerName,
    priority: 5,
    queueKey: `05:${new Date().toISOString()}`,
    attempt: 1,
    dateCreated: new Date().toISOString(),
    lease: { token: `lease-${randomBytes(4).toString('hex')}`, agentSession: 'session-1', expiresAt: new Date(Date.now() + 60_000).toISOString() },
  };
}

export function deployTask(options: DeployTaskOptions = {}): AgentTaskDocument {
  const stack = options.stack ?? 'shop';
  const name = options.container?.name ?? 'web';
  return agentTaskDocument.parse({
    ...base('deploy', name, stack, options.id),
    payload: {
      kind: 'deploy',
      containerName: `${stack}-${name}`,
      containerSpec: { image: 'busybox:latest', command: ['sleep', '300'], ...options.container, name },
      pullPolicy: options.pullPolicy ?? 'if-not-present',
      labels: { 'graphium.stack': stack, 'graphium.container': name, ...options.labels },
      ...(options.network === undefined ? {} : { network: options.network }),
      injectedEnv: options.injectedEnv ?? {},
      specHash: options.specHash ?? 'hash-1',
    },
  });
}

export function targetTask(type: Exclude<TaskType, 'deploy'>, containerName: string, stopTimeoutSeconds = 0, stack = 'shop'): AgentTaskDocument {
  return agentTaskDocument.parse({
    ...base(type, containerName, stack),
    payload: { kind: 'target', containerName, stopTimeoutSeconds },
  });
}
