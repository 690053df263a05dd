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

  describe('with failover', () => {
    const stranded = {
      db: { hostId: 'h2', reason: 'pinned' as const, message: 'container "db" stays on offline host "h2": pinned there by locatedInHost' },
    };

    it('is degraded once everything else runs while a container is stranded, saying which and why', () => {
      const result = stackProgressOf('deploy', [task('web', { status: 'completed' })], placements, stranded);
      expect(result).toMatchObject({ status: 'degraded', progress: 100, errorMessage: stranded.db.message });
      // The stranded container's own task (waiting on its offline host) has no say in a deploy.
      expect(stackProgressOf('deploy', [task('web', { status: 'completed' }), task('db', { status: 'pending' })], placements, stranded).status).toBe(
        'degraded',
      );
      // Still deploying: says so already.
      expect(stackProgressOf('deploy', [task('web', { status: 'running' })], placements, stranded)).toMatchObject({
        status: 'deploying',
        errorMessage: stranded.db.message,
      });
    });

    it('reports a failure before degradation, naming both', () => {
      const error = { code: 'IMAGE_NOT_FOUND', message: 'gone', retryable: false };
      const result = stackProgressOf('deploy', [task('web', { status: 'failed', error })], placements, stranded);
      expect(result.status).toBe('error');
      expect(result.errorMessage).toBe(`container "web" on host "h1" failed: IMAGE_NOT_FOUND: gone; ${stranded.db.message}`);
    });

    it('never counts cleanup tasks, whatever their state', () => {
      const cleanup = task('db', { taskType: 'deploy', status: 'failed', cleanup: true });
      const result = stackProgressOf('deploy', [task('web', { status: 'completed' }), task('db', { status: 'completed' }), cleanup], placements);
      expect(result.status).toBe('running');
      expect(stackProgressOf('remove', [task('web', { taskType: 'remove', status: 'completed', cleanup: true })], placements).status).toBe('deleting');
    });

    it('keeps an operation in progress while a placed container has no task of it at all', () => {
      // The new operation is written, its tasks not yet: never "done".
      expect(stackProgressOf('deploy', [], placements)).toMatchObject({ status: 'deploying', progress: 0 });
      expect(stackProgressOf('deploy', [task('web', { status: 'completed' })], placements)).toMatchObject({ status: 'deploying', progress: 50 });
      // Removed containers are owed nothing.
      expect(stackProgressOf('deploy', [task('web', { status: 'completed' })], { ...placements, db: { ...placements.db!, status: 'removed' } }).status).toBe(
        'running',
      );
    });

    it('lets stop and remove wait for stranded containers as before', () => {
      const result = stackProgressOf('stop', [task('web', { taskType: 'stop', status: 'completed' }), task('db', { taskType: 'stop', status: 'pending' })], placements, stranded);
      expect(result).toMatchObject({ status: 'stopping' });
      expect(result.errorMessage).toBeUndefined();
    });
  });
});
