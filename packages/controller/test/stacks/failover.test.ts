/**
 * Failover on the real store (embedded, or the CouchDB at COUCHDB_URL): the controller's own parts — task
 * queue, host registry, event log, stack service and monitor, liveness monitor with the failover sweep — with
 * agents played by claiming and reporting through the queue, and a manual clock to make hosts miss their
 * heartbeats. Several replicas share one store where the test says so.
 */
import type { AgentTaskDocument, DeploymentEvent, RegisterAgentRequest, StackStatus } from '@graphium/shared';
import pino from 'pino';
import { CouchEventLog } from '../../src/events/couchEventLog.js';
import { CouchHostRegistry } from '../../src/hosts/couchHostRegistry.js';
import { HostLivenessMonitor } from '../../src/hosts/livenessMonitor.js';
import type { TaskQueue } from '../../src/ports.js';
import { CouchTaskQueue } from '../../src/queue/index.js';
import { StackFailover } from '../../src/stacks/failover.js';
import { FailoverSweep } from '../../src/stacks/failoverSweep.js';
import { StackMonitor } from '../../src/stacks/stackMonitor.js';
import { StackRepository } from '../../src/stacks/stackRepository.js';
import { CouchStackService } from '../../src/stacks/stackService.js';
import type { Couch } from '../../src/store/couch.js';
import { ManualClock } from '../support/manualClock.js';
import { useTestStore } from '../support/store.js';
import { wiredStack } from '../support/wiredStack.js';

jest.setTimeout(60_000);

const store = useTestStore();
const log = pino({ level: 'silent' });
const GIB = 2 ** 30;
const LOAD = { cpuPercent: 5, memoryUsed: GIB, memoryAvailable: 7 * GIB, containerCount: 0 };
const ADDRESS: Record<string, string> = { h1: '10.0.0.1', h2: '10.0.0.2', h3: '10.0.0.3', h4: '10.0.0.4' };

/** One controller replica: its own queue, registry, event log, monitor, stack service and failover. */
class Replica {
  readonly events: CouchEventLog;
  readonly hosts: CouchHostRegistry;
  readonly queue: TaskQueue;
  readonly repository: StackRepository;
  readonly monitor: StackMonitor;
  readonly stacks: CouchStackService;
  readonly failover: StackFailover;
  readonly sweep: FailoverSweep;
  readonly liveness: HostLivenessMonitor;
  readonly sessions = new Map<string, string>();

  constructor(couch: Couch, readonly clock: ManualClock, queue?: (q: TaskQueue) => TaskQueue) {
    this.events = new CouchEventLog(couch, clock, log);
    this.hosts = new CouchHostRegistry(couch, this.events, clock, log, { heartbeatTimeoutMs: 30_000 });
    const real = new CouchTaskQueue({ couch, log, clock, readBackClaims: store.kind === 'couchdb' });
    this.queue = queue === undefined ? real : queue(real);
    this.repository = new StackRepository(couch);
    this.monitor = new StackMonitor({ repository: this.repository, queue: this.queue, events: this.events, clock, log, debounceMs: 10 });
    this.stacks = new CouchStackService({ repository: this.repository, queue: this.queue, hosts: this.hosts, events: this.events, monitor: this.monitor, clock, log });
    this.failover = new StackFailover({ repository: this.repository, queue: this.queue, hosts: this.hosts, events: this.events, monitor: this.monitor, clock, log });
    this.sweep = new FailoverSweep({ failover: this.failover, repository: this.repository, hosts: this.hosts, log });
    // The interval never fires in a test: sweeps are run by hand.
    this.liveness = new HostLivenessMonitor(this.hosts, log, 3_600_000, this.sweep);
  }

  async start(): Promise<this> {
    await this.events.start();
    await this.hosts.start();
    await this.queue.start();
    await this.monitor.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.liveness.stop();
    await this.monitor.stop();
    await this.queue.stop();
    await this.hosts.stop();
    await this.events.stop();
  }

  async register(hostId: string, labels: Record<string, string> = {}): Promise<void> {
    const request: RegisterAgentRequest = { address: ADDRESS[hostId]!, labels, resources: { cpus: 4, memory: 8 * GIB } };
    const { agentSession } = await this.hosts.register(hostId, request);
    this.sessions.set(hostId, agentSession);
    await this.heartbeat(hostId);
  }

  async heartbeat(...hostIds: string[]): Promise<void> {
    for (const hostId of hostIds) await this.hosts.heartbeat(hostId, { agentSession: this.sessions.get(hostId)!, load: LOAD, usedHostPorts: [] });
  }

  /** Plays the agents of `hostIds`: claims and completes whatever they can run, until nothing is left to claim. */
  async runAgents(...hostIds: string[]): Promise<AgentTaskDocument[]> {
    const done: AgentTaskDocument[] = [];
    for (let claimed = true; claimed; ) {
      claimed = false;
      for (const hostId of hostIds) {
        const tasks = await this.queue.claim({ hostId, agentSession: `agent-${hostId}`, max: 20, holding: [], waitMs: 0 });
        for (const task of tasks) {
          const spec = task.payload.kind === 'deploy' ? task.payload.containerSpec : undefined;
          const ports = (spec?.ports ?? []).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? 32768, protocol: p.protocol }));
          const result = { containerId: `${hostId}-${task.containerName}`, ports, healthy: true };
          done.push(await this.queue.report(task['@id'], hostId, { status: 'completed', leaseToken: task.lease!.token, result }));
          claimed = true;
        }
      }
    }
    return done;
  }

  /** Until the monitor moved the stack to `status` (it follows task changes on its own). */
  async waitForStatus(stackId: string, status: StackStatus | 'gone', timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stack = await this.repository.getStack(stackId);
      if ((stack?.status ?? 'gone') === status) return stack;
      if (Date.now() > deadline) throw new Error(`stack ${stackId} is ${stack?.status ?? 'gone'}, not ${status} (${stack?.errorMessage ?? ''})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async eventsOf(stackId: string): Promise<DeploymentEvent[]> {
    return this.events.list({ stackId, limit: 500 });
  }
}

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.stop()));
});

async function replica(couch: Couch, clock: ManualClock, queue?: (q: TaskQueue) => TaskQueue): Promise<Replica> {
  const started = await new Replica(couch, clock, queue).start();
  replicas.push(started);
  return started;
}

/** The wired stack (support/wiredStack.ts), as the stack service takes it. */
function shop(name = 'shop') {
  return { body: wiredStack(name) };
}

/**
 * The shop running on h1/h2 (role=db) and h3 (role=app): `from` is the db host that will go down, `to` the
 * other db host, where db can move.
 */
async function runningShop(r: Replica, roles: [string, string, string] = ['db', 'db', 'app']): Promise<{ stackId: string; from: string; to: string }> {
  await r.register('h1', { role: roles[0] });
  await r.register('h2', { role: roles[1] });
  await r.register('h3', { role: roles[2] });
  const { stackId } = await r.stacks.deploy(shop(), 'tester');
  await r.runAgents('h1', 'h2', 'h3');
  await r.waitForStatus(stackId, 'running');
  const from = (await r.repository.getState(stackId))!.placements.db!.hostId;
  return { stackId, from, to: from === 'h1' ? 'h2' : 'h1' };
}

/** Hosts miss their heartbeats: the clock passes the timeout while the others keep beating; then one liveness sweep. */
async function goOffline(r: Replica, down: string[], up: string[]): Promise<void> {
  r.clock.advance(31_000);
  await r.heartbeat(...up);
  await r.liveness.sweep();
}

function deployEnv(task: AgentTaskDocument | undefined): Record<string, string> {
  if (task?.payload.kind !== 'deploy') throw new Error('a deploy task expected');
  return task.payload.injectedEnv;
}

describe(`failover (${store.kind})`, () => {
  let couch: Couch;
  let clock: ManualClock;

  beforeEach(async () => {
    couch = await store.couch();
    clock = new ManualClock();
  });

  it('moves a container off an offline host, rewires its dependent, and removes the old copy when the host returns', async () => {
    const r = await replica(couch, clock);
    const { stackId, from, to } = await runningShop(r);
    const before = (await r.repository.getState(stackId))!;
    expect(before.placements.api!.hostId).toBe('h3');

    await goOffline(r, [from], [to, 'h3']);
    expect((await r.hosts.get(from))!.status).toBe('offline');
    const moving = await r.waitForStatus(stackId, 'deploying');
    expect(moving).toMatchObject({ generation: 1, operation: 1, action: 'deploy' });
    const state = (await r.repository.getState(stackId))!;
    expect(state.placements.db).toMatchObject({ hostId: to, hostAddress: ADDRESS[to], status: 'pending' });
    expect(state.failover).toMatchObject({ operation: 1, stranded: {}, moved: { db: { from, to, operation: 1 } } });

    // Tasks: db and api deployed under operation 1 (api with db's new address), a cleanup on the old host.
    const tasks = await r.queue.forStack(stackId);
    const op1 = tasks.filter((t) => t.operation === 1);
    expect(op1.map((t) => `${t.containerName}@${t.hostId}`).sort()).toEqual([`api@h3`, `db@${to}`]);
    expect(deployEnv(op1.find((t) => t.containerName === 'api'))).toMatchObject({ DB_HOST: ADDRESS[to], DB_ENDPOINT: `${ADDRESS[to]}:15432` });
    const cleanup = await r.queue.get(`cleanup:${stackId}:1:1:db`);
    expect(cleanup).toMatchObject({ taskType: 'remove', hostId: from, status: 'pending', cleanup: true });
    const events = await r.eventsOf(stackId);
    expect(events.filter((e) => e.type === 'stack_failover')).toHaveLength(1);
    expect(events.find((e) => e.type === 'container_moved')).toMatchObject({ hostId: from, data: { container: 'db', from, to, operation: 1 } });

    // The healthy hosts' agents run the operation; the stack runs again, on the new host.
    await r.runAgents(to, 'h3');
    await r.waitForStatus(stackId, 'running');
    expect((await r.repository.getState(stackId))!.placements.db).toMatchObject({ hostId: to, status: 'healthy', containerId: `${to}-db` });
    // A sweep later: nothing more to do, nothing written again.
    const outcomes = await r.sweep.sweep();
    expect([...outcomes.values()].every((o) => o === 'none' || o === 'unchanged')).toBe(true);
    expect((await r.repository.getStack(stackId))!.operation).toBe(1);

    // The old host comes back: its agent finds the cleanup waiting and removes the stale copy.
    await r.register(from, { role: 'db' });
    const ran = await r.runAgents(from);
    expect(ran.map((t) => t['@id'])).toEqual([`cleanup:${stackId}:1:1:db`]);
    expect(ran[0]).toMatchObject({ status: 'completed', payload: { containerName: 'shop-db' } });
    // The cleanup counts for nothing: the stack stays running, on the same operation.
    await r.liveness.sweep();
    expect(await r.repository.getStack(stackId)).toMatchObject({ status: 'running', operation: 1 });
  });

  it('moves a container once when two replicas fail over the same stack at the same moment', async () => {
    const a = await replica(couch, clock);
    const b = await replica(couch, clock);
    const { stackId, from, to } = await runningShop(a);
    clock.advance(31_000);
    await a.heartbeat(to, 'h3');
    expect((await a.hosts.markOffline()).map((h) => h.hostId)).toEqual([from]);
    // Replica b learns of it from the hosts feed.
    for (const deadline = Date.now() + 5_000; (await b.hosts.get(from))?.status !== 'offline'; ) {
      if (Date.now() > deadline) throw new Error('replica b never saw the host go offline');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const outcomes = await Promise.all([a.failover.reconcile(stackId), b.failover.reconcile(stackId)]);
    expect(outcomes.filter((o) => o === 'moved')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'moved').every((o) => o === 'lost' || o === 'none' || o === 'unchanged')).toBe(true);
    // And again, one after the other: still one operation.
    expect(await b.failover.reconcile(stackId)).not.toBe('moved');
    const tasks = await a.queue.forStack(stackId);
    expect(tasks.filter((t) => (t.operation ?? 0) > 0).map((t) => t['@id']).sort()).toEqual([
      `task:${stackId}:1:api:deploy:1`,
      `task:${stackId}:1:db:deploy:1`,
    ]);
    expect((await a.repository.getStack(stackId))!.operation).toBe(1);
    expect((await a.eventsOf(stackId)).filter((e) => e.type === 'stack_failover' || e.type === 'container_moved')).toHaveLength(2);
  });

  it('keeps a pinned container on its offline host, degrades the stack saying so, and recovers when the host returns', async () => {
    const r = await replica(couch, clock);
    for (const id of ['h1', 'h2', 'h3']) await r.register(id);
    const body = {
      '@context': 'https://schema.org',
      '@graph': [
        {
          '@type': 'Stack',
          name: 'pinned',
          deployment: { placementStrategy: 'spread' },
          hasPart: [
            { name: 'db', image: 'busybox:latest', locatedInHost: 'h1' },
            { name: 'api', image: 'busybox:latest', locatedInHost: 'h2', dependsOn: ['db'] },
          ],
        },
      ],
    };
    const { stackId } = await r.stacks.deploy({ body }, 'tester');
    await r.runAgents('h1', 'h2', 'h3');
    await r.waitForStatus(stackId, 'running');

    await goOffline(r, ['h1'], ['h2', 'h3']);
    const degraded = await r.waitForStatus(stackId, 'degraded');
    expect(degraded!.errorMessage).toBe('container "db" stays on offline host "h1": pinned there by locatedInHost; it runs again when the host is back');
    expect(degraded!.operation).toBe(0);
    expect((await r.repository.getState(stackId))!.failover?.stranded.db).toMatchObject({ hostId: 'h1', reason: 'pinned' });
    expect((await r.eventsOf(stackId)).find((e) => e.type === 'stack_degraded')?.message).toBe(degraded!.errorMessage);
    // Nothing changes on the next sweeps.
    await r.liveness.sweep();
    expect(await r.repository.getStack(stackId)).toMatchObject({ status: 'degraded', operation: 0 });

    // h1 is back: the stack is deployed again where it was (the agents adopt what still runs) and runs.
    await r.register('h1');
    await r.liveness.sweep();
    expect(await r.repository.getStack(stackId)).toMatchObject({ status: 'deploying', operation: 1 });
    await r.runAgents('h1', 'h2');
    await r.waitForStatus(stackId, 'running');
    expect((await r.repository.getState(stackId))!.failover?.stranded).toEqual({});
  });

  it('degrades a stack whose container no healthy host can take, and moves it once one can', async () => {
    const r = await replica(couch, clock);
    const { stackId } = await runningShop(r, ['db', 'other', 'app']);

    await goOffline(r, ['h1'], ['h2', 'h3']);
    const degraded = await r.waitForStatus(stackId, 'degraded');
    expect(degraded!.errorMessage).toBe(
      'container "db" could not move off offline host "h1": no eligible host among 3: 1 offline or draining, 2 missing label role=db; tried again on the next sweep',
    );

    // A host that can take it joins: the next sweep moves db there.
    await r.register('h4', { role: 'db' });
    await r.liveness.sweep();
    expect((await r.repository.getState(stackId))!.placements.db?.hostId).toBe('h4');
    await r.runAgents('h4', 'h3');
    await r.waitForStatus(stackId, 'running');
  });

  it('completes a failover whose task write failed, from the recorded state, on the next sweep', async () => {
    let failInserts = 0;
    const flaky = (queue: TaskQueue): TaskQueue =>
      Object.assign(Object.create(queue) as TaskQueue, {
        insertMany: (tasks: readonly AgentTaskDocument[]) => {
          if (failInserts > 0) {
            failInserts -= 1;
            return Promise.reject(new Error('store unavailable'));
          }
          return queue.insertMany(tasks);
        },
      });
    const r = await replica(couch, clock, flaky);
    const { stackId, from, to } = await runningShop(r);

    failInserts = 1;
    await goOffline(r, [from], [to, 'h3']);
    // The operation and its state were written, its tasks not: the stack is not reported done.
    expect((await r.repository.getState(stackId))!.failover?.operation).toBe(1);
    expect((await r.queue.forStack(stackId)).filter((t) => t.operation === 1)).toEqual([]);
    await r.monitor.refresh(stackId);
    expect((await r.repository.getStack(stackId))!.status).toBe('deploying');

    await r.liveness.sweep();
    expect((await r.queue.forStack(stackId)).filter((t) => t.operation === 1).map((t) => t.containerName).sort()).toEqual(['api', 'db']);
    expect(await r.queue.get(`cleanup:${stackId}:1:1:db`)).toMatchObject({ hostId: from, status: 'pending' });
    await r.runAgents(to, 'h3');
    await r.waitForStatus(stackId, 'running');
    expect((await r.repository.getStack(stackId))!.operation).toBe(1);
  });

  it('keeps cleanups waiting through a redeploy and a delete of the stack', async () => {
    const r = await replica(couch, clock);
    const { stackId, from, to } = await runningShop(r);
    await goOffline(r, [from], [to, 'h3']);
    await r.runAgents(to, 'h3');
    await r.waitForStatus(stackId, 'running');
    const cleanupId = `cleanup:${stackId}:1:1:db`;

    // A redeploy (generation 2) cancels the stack's unfinished tasks, not the cleanup, and records it.
    await r.stacks.deploy(shop(), 'tester');
    expect((await r.repository.getState(stackId))!.failover?.cleanups.map((c) => c.taskId)).toEqual([cleanupId]);
    await r.runAgents(to, 'h3');
    await r.waitForStatus(stackId, 'running');
    // A delete neither: the stack goes, its cleanup stays queued for the host that is still down.
    await r.stacks.remove(stackId);
    await r.runAgents(to, 'h3');
    await r.waitForStatus(stackId, 'gone');
    expect((await r.queue.get(cleanupId))?.status).toBe('pending');
    await r.register(from, { role: 'db' });
    expect((await r.runAgents(from)).map((t) => t['@id'])).toEqual([cleanupId]);
  });
});
