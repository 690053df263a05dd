import { agentTaskDocument, type AgentTaskDocument, type DeployPayload } from '@graphium/shared';
import { assessFailover } from '../../src/stacks/failoverAssessment.js';
import {
  failoverOperation,
  failoverTasks,
  lastCompletedDeploy,
  sameStranded,
  strandedWithoutMoves,
  supersededTasks,
  type FailoverInput,
} from '../../src/stacks/failoverOperation.js';
import { deployed, host, stackSpec, withStatus, type Deployed } from './failoverFixtures.js';

const fleet = [host('h1'), host('h2'), host('h3'), host('h4')];
const addresses = new Map(fleet.map((h) => [h.id, h.address]));
const NOW = '2030-01-01T01:00:00.000Z';

/** db (fixed port) and cache (random port) on h1, api (needs both) on h2, web (needs api) on h3. */
const shop = stackSpec('shop', { placementStrategy: 'auto' }, [
  { name: 'db', ports: [{ containerPort: 5432, hostPort: 15432 }], healthCheck: { type: 'tcp', port: 5432 } },
  { name: 'cache', ports: [{ containerPort: 6379 }] },
  { name: 'api', dependsOn: [{ name: 'db', condition: 'healthy' }, 'cache'] },
  { name: 'web', dependsOn: ['api'] },
]);
const layout = { db: 'h1', cache: 'h1', api: 'h2', web: 'h3' };

function operationOf(deployedStack: Deployed, hosts = withStatus(fleet, 'offline', 'h1'), extra: Partial<FailoverInput> = {}) {
  const { stack, state, history } = deployedStack;
  const assessment = assessFailover({ stack, state, hosts });
  return failoverOperation({ stack, state, assessment, addresses, history, cleanupStatus: new Map(), now: NOW, ...extra });
}

function operation(deployedStack: Deployed, hosts?: Parameters<typeof operationOf>[1], extra?: Partial<FailoverInput>) {
  const planned = operationOf(deployedStack, hosts, extra);
  if (planned.kind !== 'operation') throw new Error(`an operation expected, got ${JSON.stringify(planned)}`);
  return planned;
}

const deployOf = (task: AgentTaskDocument | undefined): DeployPayload => {
  if (task?.payload.kind !== 'deploy') throw new Error('a deploy task expected');
  return task.payload;
};

describe('failoverOperation', () => {
  const running = deployed(shop, layout, fleet);

  it('takes the next operation of the same generation: moved containers on their new host, the rest redeployed in place', () => {
    const planned = operation(running);
    expect(planned.stack).toMatchObject({ generation: 1, operation: 1, action: 'deploy', status: 'deploying', dateModified: NOW });
    expect(planned.stack.errorMessage).toBeUndefined();
    const { placements, failover } = planned.state;
    expect(planned.state).toMatchObject({ generation: 1, status: 'deploying', phase: 'deploying', progress: 0 });
    const movedTo = placements.db!.hostId;
    expect(movedTo).not.toBe('h1');
    expect(placements.db).toEqual({ hostId: movedTo, hostAddress: addresses.get(movedTo), ports: [], status: 'pending', taskId: 'task:stack:shop:1:db:deploy:1' });
    // Kept in place, waiting for the new operation's (adopting) deploy; its last facts stay until then.
    expect(placements.api).toMatchObject({ hostId: 'h2', status: 'pending', taskId: 'task:stack:shop:1:api:deploy:1', containerId: 'c-api' });
    expect(failover?.operation).toBe(1);
    expect(failover?.moved.db).toEqual({ from: 'h1', to: movedTo, operation: 1, at: NOW });
    expect(failover?.cleanups).toEqual(
      expect.arrayContaining([
        { taskId: 'cleanup:stack:shop:1:1:db', container: 'db', hostId: 'h1', operation: 1 },
        { taskId: 'cleanup:stack:shop:1:1:cache', container: 'cache', hostId: 'h1', operation: 1 },
      ]),
    );
    // Only moved containers are explained anew; the stored explanation keeps the rest.
    expect(planned.explanation.db?.chosen).toBe(movedTo);
    expect(planned.explanation.api).toBeUndefined();
  });

  describe('failoverTasks', () => {
    const planned = operation(running);
    const tasks = failoverTasks(planned.stack, planned.state, running.history, new Map(), NOW);
    const byId = new Map(tasks.map((t) => [t['@id'], t]));
    const deploys = new Map(tasks.filter((t) => t.taskType === 'deploy').map((t) => [t.containerName, t]));
    const before = new Map(running.history.map((t) => [t.containerName, t]));

    it('deploys every container again under the new operation, each valid', () => {
      expect([...deploys.keys()].sort()).toEqual(['api', 'cache', 'db', 'web']);
      for (const task of tasks) expect(agentTaskDocument.safeParse(task).success).toBe(true);
      expect(deploys.get('db')).toMatchObject({ hostId: planned.state.placements.db!.hostId, generation: 1, operation: 1, status: 'pending' });
      expect(deploys.get('api')?.dependsOn).toEqual(['task:stack:shop:1:db:deploy:1', 'task:stack:shop:1:cache:deploy:1']);
    });

    it('removes the copies left on the offline host with cleanup tasks outside the stack task range', () => {
      expect(byId.get('cleanup:stack:shop:1:1:db')).toMatchObject({
        taskType: 'remove',
        cleanup: true,
        hostId: 'h1',
        priority: 7,
        generation: 1,
        operation: 1,
        payload: { kind: 'target', containerName: 'shop-db' },
      });
      expect(tasks.filter((t) => t.cleanup === true).map((t) => t.containerName).sort()).toEqual(['cache', 'db']);
    });

    it('gives dependents the new address, so only they and the moved containers are replaced (others adopt)', () => {
      const dbHost = planned.state.placements.db!;
      expect(deployOf(deploys.get('api')).injectedEnv).toMatchObject({ DB_HOST: dbHost.hostAddress, DB_ENDPOINT: `${dbHost.hostAddress}:15432` });
      expect(deployOf(deploys.get('api')).pendingEndpoints.CACHE).toMatchObject({ hostAddress: planned.state.placements.cache!.hostAddress });
      // Spec hashes: the agent adopts a container whose hash did not change.
      expect(deployOf(deploys.get('api')).specHash).not.toBe(deployOf(before.get('api')).specHash);
      expect(deployOf(deploys.get('web')).specHash).toBe(deployOf(before.get('web')).specHash);
      expect(deployOf(deploys.get('db')).specHash).toBe(deployOf(before.get('db')).specHash);
    });

    it('is the same when built again from the recorded state (an interrupted write is completed by rebuilding)', () => {
      const again = failoverTasks(planned.stack, planned.state, running.history, new Map(), '2030-01-02T00:00:00.000Z');
      const strip = (t: AgentTaskDocument) => ({ ...t, dateCreated: '', queueKey: '' });
      expect(again.map(strip)).toEqual(tasks.map(strip));
    });
  });

  it('gives a stranded container no task; its dependents keep depending on its last completed deploy', () => {
    const pinned = stackSpec('pinned', { placementStrategy: 'auto' }, [
      { name: 'db', locatedInHost: 'h1', ports: [{ containerPort: 5432 }], healthCheck: { type: 'tcp', port: 5432 } },
      { name: 'cache', ports: [{ containerPort: 6379 }] },
      { name: 'api', dependsOn: [{ name: 'db', condition: 'healthy' }, 'cache'] },
    ]);
    const stacked = deployed(pinned, { db: 'h1', cache: 'h1', api: 'h2' }, fleet);
    const planned = operation(stacked);
    expect(planned.state.failover?.stranded.db).toMatchObject({ reason: 'pinned', hostId: 'h1' });
    expect(planned.state.placements.db).toEqual(stacked.state.placements.db);
    const tasks = failoverTasks(planned.stack, planned.state, stacked.history, new Map(), NOW);
    expect(tasks.filter((t) => t.containerName === 'db')).toEqual([]);
    const api = tasks.find((t) => t.containerName === 'api' && t.taskType === 'deploy')!;
    expect(api.dependsOn).toEqual(['task:stack:pinned:1:db:deploy', 'task:stack:pinned:1:cache:deploy:1']);
    expect(api.dependsOnHealthy).toEqual(['task:stack:pinned:1:db:deploy']);
    expect(deployOf(api).pendingEndpoints.DB).toMatchObject({ taskId: 'task:stack:pinned:1:db:deploy', hostAddress: '10.0.0.1' });
  });

  it('strands the dependents of a stranded container that never ran, and moves nothing that waits on it', () => {
    const pinned = stackSpec('late', { placementStrategy: 'auto' }, [{ name: 'db', locatedInHost: 'h1' }, { name: 'api', dependsOn: ['db'] }]);
    const stacked = deployed(pinned, { db: 'h1', api: 'h1' }, fleet);
    // db's deploy never completed (the host died first).
    const history = stacked.history.map((t) => (t.containerName === 'db' ? { ...t, status: 'pending' as const } : t));
    const planned = operationOf({ ...stacked, history });
    expect(planned).toEqual({
      kind: 'record',
      stranded: {
        db: expect.objectContaining({ reason: 'pinned' }),
        api: {
          hostId: 'h1',
          reason: 'dependency',
          dependency: 'db',
          message: 'container "api" waits for "db", which stays on offline host "h1" and has not run in this generation',
        },
      },
    });
  });

  it('makes a deploy onto a host wait for an unfinished removal of the same container there', () => {
    const stacked = deployed(shop, layout, fleet);
    const cleanup = { taskId: 'cleanup:stack:shop:1:0:db', container: 'db', hostId: 'h4', operation: 0 };
    const finished = { taskId: 'cleanup:stack:shop:1:0:cache', container: 'cache', hostId: 'h4', operation: 0 };
    const state = { ...stacked.state, failover: { stranded: {}, moved: {}, cleanups: [cleanup, finished] } };
    // Only h4 takes new containers.
    const hosts = withStatus(withStatus(fleet, 'offline', 'h1'), 'draining', 'h2', 'h3');
    const cleanupStatus = new Map<string, AgentTaskDocument['status']>([
      [cleanup.taskId, 'pending'],
      [finished.taskId, 'completed'],
    ]);
    const planned = operation({ ...stacked, state }, hosts, { cleanupStatus });
    // The finished removal is dropped from the record, the pending one kept.
    expect(planned.state.failover?.cleanups.map((r) => r.taskId)).toEqual([cleanup.taskId, 'cleanup:stack:shop:1:1:db', 'cleanup:stack:shop:1:1:cache']);
    const tasks = failoverTasks(planned.stack, planned.state, stacked.history, cleanupStatus, NOW);
    const deployOn = (name: string) => tasks.find((t) => t.containerName === name && t.taskType === 'deploy')!;
    expect(deployOn('db')).toMatchObject({ hostId: 'h4', dependsOn: [cleanup.taskId] });
    expect(deployOn('cache')).toMatchObject({ hostId: 'h4', dependsOn: [] });
  });

  it('keeps a recorded removal that was never written (a cut-short operation) and writes it with the next one', () => {
    const stacked = deployed(shop, layout, fleet);
    // Recorded by an earlier generation's operation 1 (the same operation number as the one to come), never written.
    const lost = { taskId: 'cleanup:stack:shop:0:1:api', container: 'api', hostId: 'h4', operation: 1 };
    const state = { ...stacked.state, failover: { stranded: {}, moved: {}, cleanups: [lost] } };
    const planned = operation({ ...stacked, state });
    expect(planned.state.failover?.cleanups.map((r) => r.taskId)).toEqual([lost.taskId, 'cleanup:stack:shop:1:1:db', 'cleanup:stack:shop:1:1:cache']);
    const tasks = failoverTasks(planned.stack, planned.state, stacked.history, new Map(), NOW);
    expect(tasks.filter((t) => t.cleanup === true).map((t) => `${t['@id']}@${t.hostId}`)).toEqual([
      `${lost.taskId}@h4`,
      'cleanup:stack:shop:1:1:db@h1',
      'cleanup:stack:shop:1:1:cache@h1',
    ]);
    expect(tasks.find((t) => t['@id'] === lost.taskId)).toMatchObject({ taskType: 'remove', payload: { containerName: 'shop-api' } });
  });

  it('deploys recovered containers again on their own host, with nothing to clean up', () => {
    const stranded = { db: { hostId: 'h1', reason: 'pinned' as const, message: 'db stays' } };
    const state = { ...running.state, failover: { stranded, moved: {}, cleanups: [] } };
    const planned = operation({ ...running, stack: { ...running.stack, status: 'degraded' }, state }, fleet);
    expect(planned.recovered).toEqual(['db']);
    expect(planned.state.failover).toMatchObject({ stranded: {}, cleanups: [], operation: 1 });
    expect(planned.state.placements.db).toMatchObject({ hostId: 'h1', status: 'pending', taskId: 'task:stack:shop:1:db:deploy:1' });
    const tasks = failoverTasks(planned.stack, planned.state, running.history, new Map(), NOW);
    expect(tasks.map((t) => `${t.taskType} ${t.containerName} ${t.hostId}`).sort()).toEqual([
      'deploy api h2',
      'deploy cache h1',
      'deploy db h1',
      'deploy web h3',
    ]);
  });
});

describe('helpers', () => {
  const { history } = deployed(shop, layout, fleet);
  const task = (fields: Partial<AgentTaskDocument>): AgentTaskDocument => ({ ...history[0]!, ...fields });

  it('lastCompletedDeploy: the latest operation of the generation that completed', () => {
    const tasks = [
      task({ '@id': 'a', operation: 0 }),
      task({ '@id': 'b', operation: 2 }),
      task({ '@id': 'c', operation: 3, status: 'failed' }),
      task({ '@id': 'd', operation: 4, generation: 2 }),
      task({ '@id': 'e', operation: 5, taskType: 'start' }),
    ];
    expect(lastCompletedDeploy(tasks, 1, 'db')?.['@id']).toBe('b');
    expect(lastCompletedDeploy(tasks, 1, 'api')).toBeUndefined();
  });

  it('supersededTasks: unfinished tasks of earlier operations, never cleanups', () => {
    const tasks = [
      task({ '@id': 'old-pending', status: 'pending', operation: 0 }),
      task({ '@id': 'old-running', status: 'running', operation: 1 }),
      task({ '@id': 'old-done', status: 'completed', operation: 0 }),
      task({ '@id': 'current', status: 'pending', operation: 2 }),
      task({ '@id': 'other-generation', status: 'claimed', generation: 2, operation: 2 }),
      task({ '@id': 'cleanup', status: 'pending', operation: 0, cleanup: true }),
    ];
    expect(supersededTasks(tasks, 1, 2).map((t) => t['@id'])).toEqual(['old-pending', 'old-running', 'other-generation']);
  });

  it('strandedWithoutMoves keeps the dependents recorded before while their dependency stays stranded', () => {
    const pinned = { hostId: 'h1', reason: 'pinned' as const, message: 'p' };
    const dependent = { hostId: 'h2', reason: 'dependency' as const, dependency: 'db', message: 'd' };
    const state = { ...deployed(shop, layout, fleet).state, failover: { stranded: { db: pinned, api: dependent }, moved: {}, cleanups: [] } };
    const assessment = { eligible: true, stranded: { db: pinned }, moves: {}, recovered: [], explanation: {} };
    expect(strandedWithoutMoves(state, assessment)).toEqual({ db: pinned, api: dependent });
    expect(strandedWithoutMoves(state, { ...assessment, stranded: {} })).toEqual({});
    expect(sameStranded({ db: pinned }, { db: { ...pinned } })).toBe(true);
    expect(sameStranded({ db: pinned }, { db: { ...pinned, message: 'other' } })).toBe(false);
    expect(sameStranded({ db: pinned }, {})).toBe(false);
  });
});
