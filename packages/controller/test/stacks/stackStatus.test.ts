import type { AgentTaskDocument, ContainerPlacement } from '@graphium/shared';
import { stackProgressOf } from '../../src/stacks/stackStatus.js';

const placements: Record<string, ContainerPlacement> = {
  web: { hostId: 'h1', hostAddress: '10.0.0.1', ports: [], status: 'pending' },
  db: { hostId: 'h2', hostAddress: '10.0.0.2', ports: [], status: 'pending' },
};

function task(containerName: string, fields: Partial<AgentTaskDocument>): AgentTaskDocument {
  return {
    '@context': 'x',
    '@type': 'AgentTask',
    '@id': `task:${containerName}`,
    taskType: 'deploy',
    status: 'pending',
    hostId: containerName === 'web' ? 'h1' : 'h2',
    containerName,
    priority: 5,
    queueKey: '05:x',
    payload: { kind: 'target', containerName, stopTimeoutSeconds: 10 },
    dependsOn: [],
    dependsOnHealthy: [],
    wakeHosts: [],
    attempt: 0,
    maxAttempts: 3,
    timeoutSeconds: 300,
    dateCreated: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

describe('stackProgressOf', () => {
  it('is deploying while tasks run, with per-container phases', () => {
    const result = stackProgressOf(
      'deploy',
      [task('web', { status: 'running', progress: { phase: 'pulling', percent: 50 } }), task('db', { status: 'pending' })],
      placements,
    );
    expect(result.status).toBe('deploying');
    expect(result.placements.web?.status).toBe('pulling');
    expect(result.placements.db?.status).toBe('pending');
    expect(result.progress).toBeGreaterThan(0);
    expect(result.progress).toBeLessThan(100);
  });

  it('is running when every deploy completed, with container ids and ports', () => {
    const result = stackProgressOf(
      'deploy',
      [
        task('web', {
          status: 'completed',
          completedAt: '2026-01-01T00:01:00.000Z',
          result: { containerId: 'c1', ports: [{ containerPort: 80, hostPort: 8081, protocol: 'tcp' }], healthy: true },
        }),
        task('db', { status: 'completed', result: { containerId: 'c2', ports: [] } }),
      ],
      placements,
    );
    expect(result).toMatchObject({ status: 'running', progress: 100 });
    expect(result.placements.web).toMatchObject({ status: 'healthy', containerId: 'c1', startedAt: '2026-01-01T00:01:00.000Z' });
    expect(result.placements.db?.status).toBe('running');
  });

  it('is error naming the failing container, host and error', () => {
    const result = stackProgressOf(
      'deploy',
      [
        task('web', { status: 'completed', result: { ports: [] } }),
        task('db', { status: 'failed', error: { code: 'IMAGE_NOT_FOUND', message: 'no such image: nope:1', retryable: false } }),
      ],
      placements,
    );
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('container "db" on host "h2" failed: IMAGE_NOT_FOUND: no such image: nope:1');
    expect(result.placements.db?.error?.code).toBe('IMAGE_NOT_FOUND');
  });

  it.each([
    ['stop', 'stop', 'stopping', 'stopped'],
    ['start', 'start', 'deploying', 'running'],
    ['remove', 'remove', 'deleting', 'deleted'],
  ] as const)('%s: in progress %s → %s, then %s', (action, taskType, during, after) => {
    const running = stackProgressOf(action, [task('web', { taskType, status: 'running' }), task('db', { taskType, status: 'completed' })], placements);
    expect(running.status).toBe(during);
    const done = stackProgressOf(action, [task('web', { taskType, status: 'completed' }), task('db', { taskType, status: 'completed' })], placements);
    expect(done.status).toBe(after);
  });

  it('ignores tasks of other types and cancelled tasks', () => {
    const result = stackProgressOf(
      'deploy',
      [task('web', { status: 'completed' }), task('db', { status: 'cancelled' }), task('db', { taskType: 'remove', status: 'failed' })],
      placements,
    );
    expect(result.status).toBe('running');
  });
});
