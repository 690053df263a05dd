/**
 * The TaskQueue contract (STYLE.md rule 18): the same behaviour asked of every implementation — the
 * in-memory fake and CouchTaskQueue on the embedded store (and on COUCHDB_URL when set). Time that matters
 * to the queue (leases, back-off) moves with the TestClock; only long-poll tests use real time, with wide
 * bounds.
 */
import { AppError, type AgentTaskDocument, type TaskStatusUpdate } from '@graphium/shared';
import type { ClaimRequest, TaskQueue } from '../../src/ports.js';
import { BASE_TIME, task, tasks } from './tasks.js';
import { TestClock } from './testClock.js';

export type QueueFactory = (options: { clock: TestClock }) => Promise<TaskQueue>;

const SECOND = 1000;

async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no error';
}

export function describeTaskQueueContract(name: string, create: QueueFactory): void {
  describe(`TaskQueue contract: ${name}`, () => {
    let clock: TestClock;
    let queue: TaskQueue;

    beforeEach(async () => {
      clock = new TestClock();
      queue = await create({ clock });
      await queue.start();
    });

    afterEach(async () => {
      await queue.stop();
    });

    const claim = (overrides: Partial<ClaimRequest> = {}): Promise<AgentTaskDocument[]> =>
      queue.claim({ hostId: 'h1', agentSession: 's1', max: 1, holding: [], waitMs: 0, ...overrides });
    const claimOne = async (overrides: Partial<ClaimRequest> = {}): Promise<AgentTaskDocument> => {
      const [claimed] = await claim(overrides);
      if (claimed === undefined) throw new Error('nothing claimed');
      return claimed;
    };
    const tokenOf = (claimed: AgentTaskDocument): string => claimed.lease?.token ?? 'none';
    const complete = (claimed: AgentTaskDocument, result: Extract<TaskStatusUpdate, { status: 'completed' }>['result'] = { ports: [] }) =>
      queue.report(claimed['@id'], claimed.hostId, { status: 'completed', leaseToken: tokenOf(claimed), result });
    const ids = (list: readonly AgentTaskDocument[]): string[] => list.map((t) => t['@id']);

    describe('claiming', () => {
      it('claims each of 200 tasks exactly once among 20 concurrent claimers', async () => {
        await queue.insertMany(tasks('t', 200));
        const claimers = Array.from({ length: 20 }, async (_, i) => {
          const mine: AgentTaskDocument[] = [];
          for (;;) {
            const got = await claim({ agentSession: `s${i}`, max: 1 + (i % 4), holding: ids(mine) });
            if (got.length === 0) return mine;
            mine.push(...got);
          }
        });
        const claimed = (await Promise.all(claimers)).flat();
        expect(claimed).toHaveLength(200);
        expect(new Set(ids(claimed)).size).toBe(200);
        // Whoever was told it holds a task does hold it in the store.
        for (const held of claimed.slice(0, 20)) {
          expect((await queue.get(held['@id']))?.lease?.token).toBe(tokenOf(held));
        }
      }, 30_000);

      it('sets the claim fields: status, lease, assignedAt, attempt', async () => {
        await queue.insertMany([task({ id: 'a' })]);
        const claimed = await claimOne({ agentSession: 'session-x' });
        expect(claimed).toMatchObject({ status: 'claimed', attempt: 1, lease: { agentSession: 'session-x' } });
        expect(Date.parse(claimed.lease?.expiresAt ?? '') - clock.now()).toBeGreaterThan(55 * SECOND);
        expect(claimed.assignedAt).toBeDefined();
        expect(await queue.get('a')).toMatchObject({ status: 'claimed', lease: { token: tokenOf(claimed) } });
      });

      it('claims only the tasks of the asking host', async () => {
        await queue.insertMany([task({ id: 'other', hostId: 'h2' })]);
        expect(await claim()).toEqual([]);
        expect(ids(await claim({ hostId: 'h2' }))).toEqual(['other']);
      });

      it('honours priority (remove 7, stop 6, deploy 5), then age', async () => {
        await queue.insertMany([
          task({ id: 'deploy-new', taskType: 'deploy', dateCreated: '2030-01-01T00:00:02.000Z' }),
          task({ id: 'deploy-old', taskType: 'deploy', dateCreated: '2030-01-01T00:00:01.000Z' }),
          task({ id: 'stop', taskType: 'stop', dateCreated: '2030-01-01T00:00:03.000Z' }),
          task({ id: 'remove', taskType: 'remove', dateCreated: '2030-01-01T00:00:04.000Z' }),
        ]);
        expect(ids(await claim({ max: 2 }))).toEqual(['remove', 'stop']);
        expect(ids(await claim({ max: 1, holding: ['remove', 'stop'] }))).toEqual(['deploy-old']);
        expect(ids(await claim({ max: 5, holding: ['remove', 'stop', 'deploy-old'] }))).toEqual(['deploy-new']);
      });

      it('honours notBefore', async () => {
        await queue.insertMany([task({ id: 'later', notBefore: new Date(clock.now() + 10 * SECOND).toISOString() })]);
        expect(await claim()).toEqual([]);
        clock.advance(11 * SECOND);
        expect(ids(await claim())).toEqual(['later']);
      });

      it('finds claimable tasks behind many blocked ones at the head of the queue', async () => {
        await queue.insertMany([
          task({ id: 'dep', hostId: 'h2' }),
          ...tasks('blocked', 80, { taskType: 'remove', dependsOn: ['dep'] }),
          task({ id: 'free', taskType: 'deploy' }),
        ]);
        expect(ids(await claim())).toEqual(['free']);
      });

      it('inserts idempotently: an existing id is left as it is', async () => {
        await queue.insertMany([task({ id: 'same', hostId: 'h1' })]);
        await queue.insertMany([task({ id: 'same', hostId: 'h2' }), task({ id: 'new' })]);
        expect((await queue.get('same'))?.hostId).toBe('h1');
        expect(await queue.get('new')).toBeDefined();
        expect(await queue.get('missing')).toBeUndefined();
      });
    });

    describe('dependencies', () => {
      it('keeps a dependent waiting until its dependency completed', async () => {
        await queue.insertMany([task({ id: 'db', hostId: 'h1', wakeHosts: ['h2'] }), task({ id: 'api', hostId: 'h2', dependsOn: ['db'] })]);
        expect(await claim({ hostId: 'h2' })).toEqual([]);
        const db = await claimOne();
        expect(await claim({ hostId: 'h2' })).toEqual([]);
        await queue.report('db', 'h1', { status: 'running', leaseToken: tokenOf(db) });
        expect(await claim({ hostId: 'h2' })).toEqual([]);
        await complete(db);
        expect(ids(await claim({ hostId: 'h2' }))).toEqual(['api']);
      });

      it('waits for health where the dependent asked for it', async () => {
        await queue.insertMany([
          task({ id: 'db' }),
          task({ id: 'api', hostId: 'h2', dependsOn: ['db'], dependsOnHealthy: ['db'] }),
        ]);
        await complete(await claimOne(), { ports: [], healthy: true });
        expect(ids(await claim({ hostId: 'h2' }))).toEqual(['api']);
      });

      it('fails the dependent of a dependency that completed unhealthy', async () => {
        await queue.insertMany([task({ id: 'db' }), task({ id: 'api', hostId: 'h2', dependsOn: ['db'], dependsOnHealthy: ['db'] })]);
        await complete(await claimOne(), { ports: [], healthy: false });
        expect(await claim({ hostId: 'h2' })).toEqual([]);
        expect(await queue.get('api')).toMatchObject({ status: 'failed', error: { code: 'DEPENDENCY_FAILED', retryable: false } });
      });

      it('fails the dependent of a failed or cancelled dependency instead of waiting for ever', async () => {
        await queue.insertMany([
          task({ id: 'db' }),
          task({ id: 'cache', taskType: 'stop' }),
          task({ id: 'api', hostId: 'h2', dependsOn: ['db'] }),
          task({ id: 'web', hostId: 'h2', dependsOn: ['cache'] }),
        ]);
        await queue.cancel('cache');
        const db = await claimOne();
        await queue.report('db', 'h1', {
          status: 'failed',
          leaseToken: tokenOf(db),
          error: { code: 'IMAGE_NOT_FOUND', message: 'no such image', retryable: false },
        });
        expect(await claim({ hostId: 'h2', max: 5 })).toEqual([]);
        for (const id of ['api', 'web']) {
          expect(await queue.get(id)).toMatchObject({ status: 'failed', error: { code: 'DEPENDENCY_FAILED', retryable: false } });
        }
      });

      it('fills pending endpoints from the dependency result at claim time', async () => {
        const binding = { container: 'api', containerPort: 8080, hostAddress: '10.0.0.1', taskId: 'api-task' };
        await queue.insertMany([
          task({ id: 'api-task', hostId: 'h1' }),
          task({ id: 'web', hostId: 'h2', pendingEndpoints: { API: binding }, injectedEnv: { API_HOST: '10.0.0.1', OTHER: 'x' } }),
        ]);
        expect(await claim({ hostId: 'h2' })).toEqual([]);
        await complete(await claimOne(), { ports: [{ containerPort: 8080, hostPort: 32768, protocol: 'tcp' }] });
        const web = await claimOne({ hostId: 'h2' });
        expect(web.payload.kind === 'deploy' && web.payload.injectedEnv).toEqual({
          API_HOST: '10.0.0.1',
          API_PORT: '32768',
          API_ENDPOINT: '10.0.0.1:32768',
          OTHER: 'x',
        });
        const stored = await queue.get('web');
        expect(stored?.payload.kind === 'deploy' && stored.payload.injectedEnv['API_ENDPOINT']).toBe('10.0.0.1:32768');
      });
    });

    describe('leases and reports', () => {
      it('requeues an expired lease, claims it again as attempt 2, fails it after maxAttempts', async () => {
        await queue.insertMany([task({ id: 'a', maxAttempts: 3 })]);
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          expect(await claimOne({ agentSession: `s${attempt}` })).toMatchObject({ attempt });
          clock.advance(30 * SECOND);
          expect(await queue.requeueExpired()).toEqual([]);
          clock.advance(31 * SECOND);
          const [requeued] = await queue.requeueExpired();
          expect(requeued?.error?.code).toBe('LEASE_EXPIRED');
          if (attempt < 3) {
            expect(requeued).toMatchObject({ status: 'pending', attempt });
            expect(requeued?.lease).toBeUndefined();
            expect(Date.parse(requeued?.notBefore ?? '')).toBeGreaterThan(clock.now());
            expect(await claim()).toEqual([]); // back-off
            clock.advance(10 * 60 * SECOND);
          } else {
            expect(requeued).toMatchObject({ status: 'failed', attempt: 3 });
            expect(requeued?.error?.message).toContain('3 of 3');
          }
        }
        expect(await claim()).toEqual([]);
      });

      it('renews the lease with every running report', async () => {
        await queue.insertMany([task({ id: 'a' })]);
        const claimed = await claimOne();
        for (let i = 0; i < 3; i += 1) {
          clock.advance(45 * SECOND);
          const running = await queue.report('a', 'h1', {
            status: 'running',
            leaseToken: tokenOf(claimed),
            progress: { phase: 'pulling', percent: 10 * i },
          });
          expect(running).toMatchObject({ status: 'running', progress: { phase: 'pulling', percent: 10 * i } });
          expect(Date.parse(running.lease?.expiresAt ?? '')).toBeGreaterThan(clock.now() + 55 * SECOND);
        }
        expect(await queue.requeueExpired()).toEqual([]);
        const first = await queue.get('a');
        clock.advance(5 * SECOND);
        const again = await queue.report('a', 'h1', { status: 'running', leaseToken: tokenOf(claimed) });
        expect(again.startedAt).toBe(first?.startedAt);
      });

      it('fences: a stale token is TASK_LEASE_LOST, another host FORBIDDEN, an unknown task NOT_FOUND', async () => {
        await queue.insertMany([task({ id: 'a' })]);
        const claimed = await claimOne();
        const running = { status: 'running' as const, leaseToken: tokenOf(claimed) };
        expect(await errorCodeOf(queue.report('a', 'h1', { ...running, leaseToken: 'stale' }))).toBe('TASK_LEASE_LOST');
        expect(await errorCodeOf(queue.report('a', 'h2', running))).toBe('FORBIDDEN');
        expect(await errorCodeOf(queue.report('nope', 'h1', running))).toBe('NOT_FOUND');
        // Expired, requeued and claimed by a new session: the first holder's token is dead.
        clock.advance(61 * SECOND);
        expect(await errorCodeOf(queue.report('a', 'h1', running))).toBe('TASK_LEASE_LOST');
        await queue.requeueExpired();
        clock.advance(10 * 60 * SECOND);
        const second = await claimOne({ agentSession: 's2' });
        expect(await errorCodeOf(queue.report('a', 'h1', running))).toBe('TASK_LEASE_LOST');
        await complete(second);
        expect(await errorCodeOf(complete(second))).toBe('TASK_LEASE_LOST');
      });

      it('completes with the result and without the lease', async () => {
        await queue.insertMany([task({ id: 'a' })]);
        const done = await complete(await claimOne(), { containerId: 'c1', ports: [], state: 'running' });
        expect(done).toMatchObject({ status: 'completed', result: { containerId: 'c1', state: 'running' } });
        expect(done.lease).toBeUndefined();
        expect(done.completedAt).toBeDefined();
      });

      it('retries a retryable failure after a back-off and fails a permanent one at once', async () => {
        await queue.insertMany([task({ id: 'flaky', maxAttempts: 2 }), task({ id: 'broken' })]);
        const both = await claim({ max: 2 });
        const flaky = both.find((t) => t['@id'] === 'flaky');
        const broken = both.find((t) => t['@id'] === 'broken');
        if (flaky === undefined || broken === undefined) throw new Error('expected two claims');
        const retried = await queue.report('flaky', 'h1', {
          status: 'failed',
          leaseToken: tokenOf(flaky),
          error: { code: 'DOCKER_UNAVAILABLE', message: 'daemon down', retryable: true },
        });
        expect(retried).toMatchObject({ status: 'pending', attempt: 1, error: { code: 'DOCKER_UNAVAILABLE' } });
        expect(Date.parse(retried.notBefore ?? '')).toBeGreaterThan(clock.now());
        const failed = await queue.report('broken', 'h1', {
          status: 'failed',
          leaseToken: tokenOf(broken),
          error: { code: 'IMAGE_INVALID', message: 'bad reference', retryable: false },
        });
        expect(failed).toMatchObject({ status: 'failed', error: { code: 'IMAGE_INVALID' } });
        // Second and last attempt fails too: attempts exhausted.
        clock.advance(10 * 60 * SECOND);
        const again = await claimOne({ holding: [] });
        expect(again).toMatchObject({ attempt: 2 });
        const final = await queue.report('flaky', 'h1', {
          status: 'failed',
          leaseToken: tokenOf(again),
          error: { code: 'DOCKER_UNAVAILABLE', message: 'still down', retryable: true },
        });
        expect(final).toMatchObject({ status: 'failed', attempt: 2, error: { message: 'still down' } });
      });

      it('returns a released task to pending without counting the attempt', async () => {
        await queue.insertMany([task({ id: 'a' })]);
        const claimed = await claimOne();
        const released = await queue.report('a', 'h1', { status: 'released', leaseToken: tokenOf(claimed) });
        expect(released).toMatchObject({ status: 'pending', attempt: 0 });
        expect(released.lease).toBeUndefined();
        expect(await claimOne({ agentSession: 's2' })).toMatchObject({ attempt: 1 });
      });

      it('hands a claim whose response was lost to the same session again, never to another', async () => {
        await queue.insertMany([task({ id: 'a' }), task({ id: 'b', dateCreated: '2030-01-01T00:00:01.000Z' })]);
        const first = await claimOne({ agentSession: 's1' });
        expect(first['@id']).toBe('a');
        const again = await claimOne({ agentSession: 's1', holding: [] });
        expect(again['@id']).toBe('a');
        expect(tokenOf(again)).not.toBe(tokenOf(first));
        expect(await errorCodeOf(complete(first))).toBe('TASK_LEASE_LOST');
        // Held: not handed again; the next claim takes new work instead.
        expect(ids(await claim({ agentSession: 's1', holding: ['a'] }))).toEqual(['b']);
        expect(await claim({ agentSession: 's2', holding: [] })).toEqual([]);
      });

      it('releases the tasks of an old session of the host when the agent restarted', async () => {
        await queue.insertMany([task({ id: 'a' }), task({ id: 'b' }), task({ id: 'c', hostId: 'h2' })]);
        const [a] = await claim({ max: 2 });
        await claim({ hostId: 'h2' });
        await queue.report('a', 'h1', { status: 'running', leaseToken: tokenOf(a as AgentTaskDocument) });
        expect(await queue.releaseOtherSessions('h1', 's-new')).toBe(2);
        expect(await queue.get('a')).toMatchObject({ status: 'pending', attempt: 1 }); // was running: counted
        expect(await queue.get('b')).toMatchObject({ status: 'pending', attempt: 0 }); // only claimed: not counted
        expect(await queue.get('c')).toMatchObject({ status: 'claimed' });
        expect(await queue.releaseOtherSessions('h1', 's-new')).toBe(0);
      });
    });

    describe('long-poll', () => {
      it('wakes promptly when a task for the host is inserted', async () => {
        const started = Date.now();
        const waiting = claim({ waitMs: 10 * SECOND });
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(queue.pendingClaims()).toBe(1);
        const inserted = Date.now();
        await queue.insertMany([task({ id: 'late' })]);
        expect(ids(await waiting)).toEqual(['late']);
        expect(Date.now() - inserted).toBeLessThan(SECOND);
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);
        expect(queue.pendingClaims()).toBe(0);
      });

      it('answers [] after waitMs when nothing comes', async () => {
        const started = Date.now();
        expect(await claim({ waitMs: 300 })).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      });

      it('wakes itself when the back-off of a waiting task ends', async () => {
        await queue.insertMany([task({ id: 'soon', notBefore: new Date(clock.now() + 400).toISOString() })]);
        const started = Date.now();
        expect(ids(await claim({ waitMs: 5 * SECOND }))).toEqual(['soon']);
        expect(Date.now() - started).toBeLessThan(3 * SECOND);
      });

      it('answers [] at once when the caller goes away or the queue stops', async () => {
        const controller = new AbortController();
        const aborted = claim({ waitMs: 10 * SECOND, signal: controller.signal });
        const stopped = claim({ hostId: 'h2', waitMs: 10 * SECOND });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const started = Date.now();
        controller.abort();
        expect(await aborted).toEqual([]);
        await queue.stop();
        expect(await stopped).toEqual([]);
        expect(Date.now() - started).toBeLessThan(2 * SECOND);
      });
    });

    describe('operator actions', () => {
      it('cancels unfinished tasks only and retries failed or cancelled ones only', async () => {
        await queue.insertMany([task({ id: 'a' }), task({ id: 'b' })]);
        expect(await queue.cancel('a')).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
        expect(await errorCodeOf(queue.cancel('a'))).toBe('CONFLICT');
        expect(await errorCodeOf(queue.retry('b'))).toBe('CONFLICT');
        expect(await errorCodeOf(queue.cancel('missing'))).toBe('NOT_FOUND');
        const retried = await queue.retry('a');
        expect(retried).toMatchObject({ status: 'pending', attempt: 0 });
        expect(retried.error).toBeUndefined();
        // A claimed task can be cancelled; its agent then loses the lease.
        const claimed = await claimOne();
        await queue.cancel(claimed['@id']);
        expect(await errorCodeOf(complete(claimed))).toBe('TASK_LEASE_LOST');
        const other = await claimOne();
        await complete(other);
        expect(await errorCodeOf(queue.cancel(other['@id']))).toBe('CONFLICT');
        expect(await errorCodeOf(queue.retry(other['@id']))).toBe('CONFLICT');
      });

      it('cancels every unfinished task of a stack', async () => {
        await queue.insertMany([
          task({ id: 'task:s1:1:a:deploy', stackId: 's1' }),
          task({ id: 'task:s1:1:b:remove', stackId: 's1', taskType: 'remove' }),
          task({ id: 'task:s1:1:c:deploy', stackId: 's1', hostId: 'h2' }),
          task({ id: 'task:s2:1:a:deploy', stackId: 's2' }),
        ]);
        await complete(await claimOne()); // s1's b (remove runs first)
        expect(await queue.cancelForStack('s1')).toBe(2);
        expect((await queue.forStack('s1')).map((t) => t.status).sort()).toEqual(['cancelled', 'cancelled', 'completed']);
        expect((await queue.get('task:s2:1:a:deploy'))?.status).toBe('pending');
      });

      it('creates manual tasks with the default priority of their type', async () => {
        const created = await queue.createManual({ hostId: 'h1', taskType: 'remove', containerName: 'web-1', payload: { stopTimeoutSeconds: 3 } });
        expect(created['@id']).toMatch(/^task:manual:h1:web-1:remove:\d+/);
        expect(created).toMatchObject({
          status: 'pending',
          priority: 7,
          payload: { kind: 'target', containerName: 'web-1', stopTimeoutSeconds: 3 },
        });
        const twin = await queue.createManual({ hostId: 'h1', taskType: 'remove', containerName: 'web-1' });
        expect(twin['@id']).not.toBe(created['@id']);
        const urgent = await queue.createManual({ hostId: 'h1', taskType: 'stop', containerName: 'db', priority: 9 });
        expect(ids(await claim())).toEqual([urgent['@id']]);
      });

      it('tells every change to onChange listeners', async () => {
        const seen: string[] = [];
        const unsubscribe = queue.onChange((changed) => seen.push(`${changed['@id']}:${changed.status}`));
        await queue.insertMany([task({ id: 'a' })]);
        await complete(await claimOne());
        const deadline = Date.now() + 3 * SECOND;
        while (!seen.includes('a:completed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        unsubscribe();
        expect(seen).toContain('a:completed');
      });
    });

    describe('reading', () => {
      it('counts tasks by status, type and host', async () => {
        await queue.insertMany([
          task({ id: 'a', hostId: 'h1', taskType: 'deploy' }),
          task({ id: 'b', hostId: 'h1', taskType: 'remove' }),
          task({ id: 'c', hostId: 'h2', taskType: 'deploy' }),
        ]);
        await complete(await claimOne());
        const stats = await queue.stats();
        expect(stats.total).toBe(3);
        expect(stats.byStatus).toMatchObject({ pending: 2, completed: 1, claimed: 0, failed: 0 });
        expect(stats.byType).toMatchObject({ deploy: 2, remove: 1, stop: 0 });
        expect(stats.byHost['h1']).toMatchObject({ pending: 1, completed: 1 });
        expect(stats.byHost['h2']).toMatchObject({ pending: 1, completed: 0 });
      });

      it('lists newest first with filters, in pages that cover everything once', async () => {
        const all = Array.from({ length: 25 }, (_, i) =>
          task({
            id: `t${String(i).padStart(2, '0')}`,
            hostId: i % 2 === 0 ? 'h1' : 'h2',
            stackId: i < 10 ? 's1' : 's2',
            taskType: i % 5 === 0 ? 'remove' : 'deploy',
            // Groups of equal timestamps: paging must not lose or repeat rows with the same key.
            dateCreated: new Date(Date.parse(BASE_TIME) + Math.floor(i / 4) * SECOND).toISOString(),
          }),
        );
        await queue.insertMany(all);
        const pages: AgentTaskDocument[][] = [];
        let cursor: string | undefined;
        do {
          const page = await queue.list({ limit: 7, ...(cursor === undefined ? {} : { cursor }) });
          pages.push(page.items);
          cursor = page.next;
        } while (cursor !== undefined && pages.length < 10);
        expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
        const listed = pages.flat();
        expect(new Set(ids(listed)).size).toBe(25);
        const times = listed.map((t) => t.dateCreated);
        expect([...times].sort().reverse()).toEqual(times);

        const listAll = async (query: Record<string, string>) => {
          const found: AgentTaskDocument[] = [];
          let next: string | undefined;
          do {
            const page = await queue.list({ limit: 3, ...query, ...(next === undefined ? {} : { cursor: next }) });
            found.push(...page.items);
            next = page.next;
          } while (next !== undefined);
          return ids(found).sort();
        };
        const expected = (keep: (t: AgentTaskDocument) => boolean) => ids(all.filter(keep)).sort();
        expect(await listAll({ hostId: 'h1' })).toEqual(expected((t) => t.hostId === 'h1'));
        expect(await listAll({ stackId: 's1', taskType: 'remove' })).toEqual(expected((t) => t.stackId === 's1' && t.taskType === 'remove'));
        expect(await listAll({ status: 'pending', hostId: 'h2' })).toEqual(expected((t) => t.hostId === 'h2'));
        expect(await listAll({ status: 'completed' })).toEqual([]);
        expect(await errorCodeOf(queue.list({ limit: 5, cursor: 'not-a-cursor' }))).toBe('BAD_REQUEST');
      });

      it('lists the tasks created for a stack oldest first (its id prefix, not another stack sharing a name start)', async () => {
        await queue.insertMany([
          task({ id: 'task:s:1:b:deploy', stackId: 's', dateCreated: '2030-01-01T00:00:02.000Z' }),
          task({ id: 'task:s:2:a:deploy', stackId: 's', dateCreated: '2030-01-01T00:00:01.000Z' }),
          task({ id: 'task:s2:1:a:deploy', stackId: 's2' }),
          task({ id: 'task:other:1:x:deploy', stackId: 'other' }),
        ]);
        expect(ids(await queue.forStack('s'))).toEqual(['task:s:2:a:deploy', 'task:s:1:b:deploy']);
      });

      it("a stack's tasks, and its task listing, include every task written just before, every time", async () => {
        for (let round = 0; round < 15; round += 1) {
          const written = ['a', 'b', 'c'].map((name) => task({ id: `task:r${round}:1:${name}:deploy`, stackId: `r${round}` }));
          await queue.insertMany(written);
          expect(ids(await queue.forStack(`r${round}`)).sort()).toEqual(ids(written).sort());
          expect(ids((await queue.list({ stackId: `r${round}`, limit: 10 })).items).sort()).toEqual(ids(written).sort());
        }
      });
    });
  });
}
