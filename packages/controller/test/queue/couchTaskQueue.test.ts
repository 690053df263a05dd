/**
 * What only the CouchDB queue has to prove: cluster safety (a stored conflict is settled so that exactly one
 * claimer keeps the task), several replicas on one database, wake-ups from other writers through the
 * `_changes` feed, and group commit. Runs on the embedded store, or on COUCHDB_URL when set.
 */
import { randomBytes } from 'node:crypto';
import type { AgentTaskDocument } from '@graphium/shared';
import pino from 'pino';
import type { ClaimRequest } from '../../src/ports.js';
import { settleClaims } from '../../src/queue/claimConflicts.js';
import { CouchTaskQueue } from '../../src/queue/couchTaskQueue.js';
import { TaskDocs } from '../../src/queue/taskDocs.js';
import type { Couch, Database } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';
import { task, tasks } from './tasks.js';

const store = useTestStore();
const log = pino({ level: 'silent' });
const started: CouchTaskQueue[] = [];

async function startQueue(couch: Couch): Promise<CouchTaskQueue> {
  const queue = new CouchTaskQueue({ couch, log });
  await queue.start();
  started.push(queue);
  return queue;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((queue) => queue.stop()));
});

const request = (overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
  hostId: 'h1',
  agentSession: 's1',
  max: 1,
  holding: [],
  waitMs: 0,
  ...overrides,
});

/** The tasks database with its `bulk` replaced; everything else passes through. */
function withBulk(db: Database, bulk: Database['bulk']): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'bulk') return bulk;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe(`CouchTaskQueue on the ${store.kind} store`, () => {
  it('settles a stored conflict: exactly one of two claimers keeps each task', async () => {
    const couch = await store.couch();
    const real = couch.db.tasks;
    // Play a CouchDB cluster: right after each claim is accepted, a rival claim of the same parent revision
    // is accepted too (`new_edits: false`, as replication stores it), leaving a stored conflict. The rival
    // revision sorts first for half of the tasks and last for the others, so both outcomes are exercised.
    const rivals = new Map<string, string>();
    const bulk = (async (body: { docs: Record<string, unknown>[] }, params?: unknown) => {
      const rows = await real.bulk(body as never, params);
      const claims = body.docs.filter((doc) => doc['status'] === 'claimed' && typeof doc['_rev'] === 'string');
      const injected = claims.map((doc, i) => {
        const id = String(doc['_id']);
        const [generation = '0', parentHash = ''] = String(doc['_rev']).split('-');
        const hash = (i % 2 === 0 ? 'f' : '0').repeat(32);
        const token = `rival-${randomBytes(4).toString('hex')}`;
        rivals.set(id, token);
        const lease = { ...(doc['lease'] as object), token, agentSession: 'rival-session' };
        const next = Number(generation) + 1;
        return { ...doc, lease, _rev: `${next}-${hash}`, _revisions: { start: next, ids: [hash, parentHash] } };
      });
      if (injected.length > 0) await real.bulk({ docs: injected, new_edits: false } as never);
      return rows;
    }) as Database['bulk'];
    const queue = await startQueue({ ...couch, db: { ...couch.db, tasks: withBulk(real, bulk) } });

    await queue.insertMany(tasks('t', 10));
    const kept = await queue.claim(request({ max: 10 }));

    const docs = new TaskDocs(real);
    const rivalKept = await settleClaims(
      docs,
      [...rivals].map(([id, token]) => ({ id, token })),
      log,
    );
    expect(rivals.size).toBe(10);
    expect(kept.length).toBeGreaterThan(0);
    expect(rivalKept.length).toBeGreaterThan(0);
    expect(kept.length + rivalKept.length).toBe(10);
    expect(new Set([...kept, ...rivalKept].map((t) => t['@id'])).size).toBe(10);
    // The store agrees with each claimer, and the losing revisions are gone.
    const stored = await real.fetch({ keys: [...rivals.keys()] }, { conflicts: true } as never);
    for (const row of stored.rows as unknown as { key: string; doc: AgentTaskDocument & { _conflicts?: string[] } }[]) {
      expect(row.doc._conflicts ?? []).toEqual([]);
      const owner = kept.find((t) => t['@id'] === row.key) ?? rivalKept.find((t) => t['@id'] === row.key);
      expect(row.doc.lease?.token).toBe(owner?.lease?.token);
    }
  });

  it('claims each task exactly once across three replicas on one database', async () => {
    const couch = await store.couch();
    const replicas = await Promise.all([0, 1, 2].map(() => startQueue(couch)));
    await replicas[0]?.insertMany(tasks('t', 150));
    const claimers = Array.from({ length: 15 }, async (_, i) => {
      const replica = replicas[i % 3] as CouchTaskQueue;
      const mine: AgentTaskDocument[] = [];
      for (;;) {
        // A short wait lets the replicas that did not insert learn of the tasks through the feed.
        const got = await replica.claim(request({ agentSession: `s${i}`, max: 1 + (i % 3), holding: mine.map((t) => t['@id']), waitMs: 300 }));
        if (got.length === 0) return mine;
        mine.push(...got);
      }
    });
    const claimed = (await Promise.all(claimers)).flat();
    expect(claimed).toHaveLength(150);
    expect(new Set(claimed.map((t) => t['@id'])).size).toBe(150);
  }, 60_000);

  it('wakes a long-poll on one replica for a task written through another, or by anyone', async () => {
    const couch = await store.couch();
    const [a, b] = await Promise.all([startQueue(couch), startQueue(couch)]);
    const waiting = b?.claim(request({ hostId: 'h9', waitMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    let written = Date.now();
    await a?.insertMany([task({ id: 'via-a', hostId: 'h9' })]);
    expect((await waiting)?.map((t) => t['@id'])).toEqual(['via-a']);
    expect(Date.now() - written).toBeLessThan(1000);

    // A plain write to the database, not through any queue: the feed is the one path.
    const direct = b?.claim(request({ hostId: 'h8', waitMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    written = Date.now();
    await couch.db.tasks.insert(task({ id: 'direct', hostId: 'h8' }));
    expect((await direct)?.map((t) => t['@id'])).toEqual(['direct']);
    expect(Date.now() - written).toBeLessThan(1000);
  });

  it('groups the status writes of many agents into few _bulk_docs requests', async () => {
    const couch = await store.couch();
    let requests = 0;
    const real = couch.db.tasks;
    const counted = ((body: never, params?: unknown) => {
      requests += 1;
      return real.bulk(body, params);
    }) as Database['bulk'];
    const queue = await startQueue({ ...couch, db: { ...couch.db, tasks: withBulk(real, counted) } });
    await queue.insertMany(Array.from({ length: 100 }, (_, i) => task({ id: `t${i}`, hostId: `h${i}` })));
    const claimed = (await Promise.all(Array.from({ length: 100 }, (_, i) => queue.claim(request({ hostId: `h${i}` }))))).flat();
    expect(claimed).toHaveLength(100);
    requests = 0;
    await Promise.all(
      claimed.map((t) => queue.report(t['@id'], t.hostId, { status: 'running', leaseToken: t.lease?.token ?? '', progress: { phase: 'pulling' } })),
    );
    expect(requests).toBeLessThanOrEqual(10);
  });

  it('picks up the unfinished tasks already stored when it starts', async () => {
    const couch = await store.couch();
    const first = await startQueue(couch);
    await first.insertMany([task({ id: 'waiting' }), task({ id: 'held', hostId: 'h2' })]);
    const [held] = await first.claim(request({ hostId: 'h2' }));
    await first.stop();

    const second = await startQueue(couch);
    expect((await second.claim(request())).map((t) => t['@id'])).toEqual(['waiting']);
    expect(await second.releaseOtherSessions('h2', 'new-session')).toBe(1);
    expect((await second.get('held'))?.status).toBe('pending');
    expect(held?.['@id']).toBe('held');
  });
});
