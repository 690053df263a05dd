import { agentTaskDocument, parseStackOrThrow, plan, type AgentTaskDocument, type HostSnapshot, type PlanResult } from '@graphium/shared';
import { cleanupTaskId, cleanupTaskOf, deploymentDocuments, dockerNameOf, liveCleanups, stackTaskId } from '../../src/stacks/deploymentPlan.js';

const GIB = 2 ** 30;
const host = (id: string, address: string): HostSnapshot => ({
  id,
  address,
  status: 'online',
  labels: {},
  resources: { cpus: 4, memory: 8 * GIB },
});
const hosts = [host('h1', '10.0.0.1'), host('h2', '10.0.0.2'), host('h3', '10.0.0.3')];

const threeTier = parseStackOrThrow({
  '@context': 'https://schema.org',
  '@graph': [
    {
      '@type': 'Stack',
      name: 'shop',
      deployment: { placementStrategy: 'manual' },
      hasPart: [
        {
          name: 'db',
          image: 'busybox:latest',
          locatedInHost: 'h1',
          ports: [{ containerPort: 5432, hostPort: 15432 }],
          healthCheck: { type: 'tcp', port: 5432 },
        },
        { name: 'cache', image: 'busybox:latest', locatedInHost: 'h2', ports: [{ containerPort: 6379 }] },
        {
          name: 'api',
          image: 'busybox:latest',
          locatedInHost: 'h3',
          environment: { DB_HOST: 'db.internal' },
          dependsOn: [{ name: 'db', condition: 'healthy' }, 'cache'],
        },
      ],
    },
  ],
}).spec;

const ctx = { stackId: 'stack:shop', stackName: 'shop', generation: 2, operation: 0, now: '2026-11-22T08:00:00.000Z' };

function successful(result: PlanResult) {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

describe('deploymentDocuments', () => {
  const placement = successful(plan({ hosts }, threeTier, { stackId: ctx.stackId }));
  const { tasks, state, explanation } = deploymentDocuments(threeTier, placement, ctx);
  const byName = new Map(tasks.map((t) => [t.containerName, t]));

  it('makes one valid deploy task per container with deterministic ids', () => {
    expect(tasks.map((t) => t['@id'])).toEqual([
      'task:stack:shop:2:db:deploy',
      'task:stack:shop:2:cache:deploy',
      'task:stack:shop:2:api:deploy',
    ]);
    for (const task of tasks) expect(agentTaskDocument.safeParse(task).success).toBe(true);
    expect(byName.get('db')).toMatchObject({ hostId: 'h1', priority: 5, status: 'pending', generation: 2 });
    expect(byName.get('db')?.payload).toMatchObject({ kind: 'deploy', containerName: 'shop-db' });
  });

  it('expresses dependencies as task ids, with health gating where asked', () => {
    const api = byName.get('api')!;
    expect(api.dependsOn).toEqual(['task:stack:shop:2:db:deploy', 'task:stack:shop:2:cache:deploy']);
    expect(api.dependsOnHealthy).toEqual(['task:stack:shop:2:db:deploy']);
    expect(byName.get('db')?.wakeHosts).toEqual(['h3']);
    expect(byName.get('cache')?.wakeHosts).toEqual(['h3']);
  });

  it('injects fixed endpoints now, leaves random ports to claim time, and lets explicit env win', () => {
    const payload = byName.get('api')!.payload;
    if (payload.kind !== 'deploy') throw new Error('deploy payload expected');
    expect(payload.injectedEnv).toMatchObject({ DB_PORT: '15432', DB_ENDPOINT: '10.0.0.1:15432', CACHE_HOST: '10.0.0.2' });
    expect(payload.containerSpec.environment).toEqual({ DB_HOST: 'db.internal' });
    expect(payload.pendingEndpoints).toEqual({
      CACHE: { container: 'cache', containerPort: 6379, hostAddress: '10.0.0.2', taskId: 'task:stack:shop:2:cache:deploy' },
    });
  });

  it('records a pending placement per container, and the explanation in a document of its own', () => {
    expect(state.placements.api).toEqual({
      hostId: 'h3',
      hostAddress: '10.0.0.3',
      ports: [],
      status: 'pending',
      taskId: 'task:stack:shop:2:api:deploy',
    });
    expect(state['@id']).toBe('deployment:stack:shop');
    expect(state).not.toHaveProperty('explanation');
    expect(explanation).toMatchObject({ '@type': 'PlacementExplanation', '@id': 'explanation:stack:shop', stackId: 'stack:shop', generation: ctx.generation });
    expect(explanation.explanation.api?.chosen).toBe('h3');
  });

  it('changes the spec hash when the container or its wiring changes, and only then', () => {
    const again = deploymentDocuments(threeTier, placement, { ...ctx, generation: 3 }).tasks;
    const hashOf = (list: typeof tasks, name: string) => {
      const payload = list.find((t) => t.containerName === name)!.payload;
      return payload.kind === 'deploy' ? payload.specHash : undefined;
    };
    // The generation label differs, so every container is replaced on a redeploy of a new generation only
    // when its hash changes: the hash ignores nothing the container runs with.
    expect(hashOf(again, 'db')).not.toBe(hashOf(tasks, 'db'));
    const same = deploymentDocuments(threeTier, placement, ctx).tasks;
    expect(hashOf(same, 'db')).toBe(hashOf(tasks, 'db'));
  });

  it('removes containers a redeploy drops or moves, not those it keeps in place', () => {
    const previous = {
      db: { hostId: 'h1', hostAddress: '10.0.0.1', ports: [], status: 'running' as const },
      cache: { hostId: 'h1', hostAddress: '10.0.0.1', ports: [], status: 'running' as const },
      old: { hostId: 'h2', hostAddress: '10.0.0.2', ports: [], status: 'running' as const },
      gone: { hostId: 'h2', hostAddress: '10.0.0.2', ports: [], status: 'removed' as const },
    };
    const removals = deploymentDocuments(threeTier, placement, ctx, previous).tasks.filter((t) => t.taskType === 'remove');
    expect(removals.map((t) => [t.containerName, t.hostId, t.priority])).toEqual([
      ['cache', 'h1', 7],
      ['old', 'h2', 7],
    ]);
  });

  it('makes a deploy wait for a live cleanup of the same container on its host, and keeps the cleanups in the state', () => {
    const cleanups = [
      { taskId: 'cleanup:stack:shop:1:1:db', container: 'db', hostId: 'h1', operation: 1 },
      { taskId: 'cleanup:stack:shop:1:1:api', container: 'api', hostId: 'h1', operation: 1 },
    ];
    const { tasks: waiting, state: kept } = deploymentDocuments(threeTier, placement, ctx, {}, cleanups);
    const byContainer = new Map(waiting.map((t) => [t.containerName, t]));
    expect(byContainer.get('db')?.dependsOn).toEqual(['cleanup:stack:shop:1:1:db']);
    // api goes to h3: the cleanup of its old copy on h1 is no reason to wait.
    expect(byContainer.get('api')?.dependsOn).toEqual(['task:stack:shop:2:db:deploy', 'task:stack:shop:2:cache:deploy']);
    expect(kept.failover).toEqual({ stranded: {}, moved: {}, cleanups });
    expect(state.failover).toBeUndefined();
  });
});

describe('cleanups', () => {
  const record = { taskId: 'cleanup:stack:shop:2:3:db', container: 'db', hostId: 'h1', operation: 3 };

  it('a cleanup task is a removal outside the stack task range, marked as cleanup', () => {
    expect(cleanupTaskId('stack:shop', 2, 3, 'db')).toBe(record.taskId);
    const task = cleanupTaskOf(ctx, record);
    expect(agentTaskDocument.safeParse(task).success).toBe(true);
    expect(task).toMatchObject({ '@id': record.taskId, _id: record.taskId, taskType: 'remove', hostId: 'h1', priority: 7, cleanup: true });
    expect(task.payload).toEqual({ kind: 'target', containerName: 'shop-db', stopTimeoutSeconds: 10 });
  });

  it('live cleanups: unfinished, or never written; finished ones are dropped', () => {
    const records = ['pending', 'running', 'completed', 'failed', 'cancelled', 'missing'].map((status) => ({ ...record, taskId: status }));
    const statusOf = new Map(records.filter((r) => r.taskId !== 'missing').map((r) => [r.taskId, r.taskId as AgentTaskDocument['status']]));
    expect(liveCleanups(records, statusOf).map((r) => r.taskId)).toEqual(['pending', 'running', 'missing']);
  });
});

describe('ids and names', () => {
  it('adds the operation to tasks after the deploy', () => {
    expect(stackTaskId('stack:a', 1, 0, 'web', 'deploy')).toBe('task:stack:a:1:web:deploy');
    expect(stackTaskId('stack:a', 1, 2, 'web', 'stop')).toBe('task:stack:a:1:web:stop:2');
    expect(dockerNameOf('shop', 'api')).toBe('shop-api');
  });
});
