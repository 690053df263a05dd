/** CouchEventLog on the real store: ids, order, dedupe, and live fan-out across replicas. */
import type { DeploymentEvent } from '@graphium/shared';
import pino from 'pino';
import { CouchEventLog } from '../../src/events/couchEventLog.js';
import { connectCouch, type Couch } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';
import { ManualClock } from '../support/manualClock.js';

const store = useTestStore();
const log = pino({ level: 'silent' });

function waitFor<T>(read: () => T | undefined, what: string, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const value = read();
      if (value !== undefined) resolve(value);
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe(`CouchEventLog (${store.kind})`, () => {
  let couch: Couch;
  let clock: ManualClock;
  const started: CouchEventLog[] = [];

  beforeEach(async () => {
    couch = await store.couch();
    clock = new ManualClock();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((events) => events.stop()));
  });

  async function startedLog(pollMs = 1_000): Promise<CouchEventLog> {
    const events = new CouchEventLog(couch, clock, log, { pollMs });
    await events.start();
    started.push(events);
    return events;
  }

  it('stores JSON-LD events with time-ordered ids, a grouped write as one page per stack', async () => {
    const events = new CouchEventLog(couch, clock, log);
    const [event] = await Promise.all([
      events.publish({ type: 'stack_deploying', stackId: 'stack:web', message: 'deploying', data: { generation: 2 } }),
      events.publish({ type: 'task_updated', stackId: 'stack:web', data: { n: 1 } }),
      events.publish({ type: 'host_online', hostId: 'vm1' }),
    ]);
    expect(event).toMatchObject({
      '@context': 'https://graphium.dev/ns/v1',
      '@type': 'DeploymentEvent',
      type: 'stack_deploying',
      timestamp: '2030-01-01T00:00:00.000Z',
      stackId: 'stack:web',
      data: { generation: 2 },
    });
    expect(event['@id']).toMatch(/^event:2030-01-01T00:00:00\.000Z:/);
    const stored = (await couch.db.events.list({ include_docs: true })).rows.map((row) => row.doc!).filter((doc) => !doc._id.startsWith('_design'));
    expect(stored).toHaveLength(2);
    const web = stored.find((doc) => doc.stackId === 'stack:web');
    expect(web).toMatchObject({ '@type': 'DeploymentEventPage', timestamp: '2030-01-01T00:00:00.000Z' });
    expect(web!._id).toMatch(/^events:2030-01-01T00:00:00\.000Z:/);
    expect((web!['@graph'] as DeploymentEvent[]).map((e) => e.type)).toEqual(['stack_deploying', 'task_updated']);
    const host = stored.find((doc) => doc.stackId === undefined);
    expect((host!['@graph'] as DeploymentEvent[]).map((e) => e.hostId)).toEqual(['vm1']);
  });

  it('reads events stored one document each (before pages) together with pages', async () => {
    await couch.db.events.insert({
      '@context': 'https://graphium.dev/ns/v1',
      '@type': 'DeploymentEvent',
      '@id': 'event:2029-12-31T23:59:59.000Z:old',
      _id: 'event:2029-12-31T23:59:59.000Z:old',
      type: 'stack_deploying',
      timestamp: '2029-12-31T23:59:59.000Z',
      stackId: 'stack:web',
      data: {},
    });
    const events = new CouchEventLog(couch, clock, log);
    await events.publish({ type: 'stack_running', stackId: 'stack:web' });
    const listed = await events.list({ stackId: 'stack:web', limit: 10 });
    expect(listed.map((e) => e.type)).toEqual(['stack_deploying', 'stack_running']);
    expect(listed[0]).not.toHaveProperty('_rev');
    expect(listed[0]).not.toHaveProperty('_id');
  });

  it('lists the most recent events oldest first, by stack or all', async () => {
    const events = new CouchEventLog(couch, clock, log);
    for (let i = 0; i < 6; i += 1) {
      await events.publish({ type: 'task_updated', stackId: i % 2 === 0 ? 'stack:a' : 'stack:b', data: { i } });
      clock.advance(1_000);
    }
    const order = (list: DeploymentEvent[]) => list.map((e) => e.data.i);
    expect(order(await events.list({ limit: 100 }))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(order(await events.list({ limit: 3 }))).toEqual([3, 4, 5]);
    expect(order(await events.list({ stackId: 'stack:a', limit: 100 }))).toEqual([0, 2, 4]);
    expect(order(await events.list({ stackId: 'stack:b', limit: 2 }))).toEqual([3, 5]);
  });

  it('keeps one replica\'s events of the same millisecond in publish order', async () => {
    const events = new CouchEventLog(couch, clock, log);
    for (let i = 0; i < 5; i += 1) await events.publish({ type: 'task_updated', data: { i } });
    expect((await events.list({ limit: 10 })).map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('lists an event with a dedupe key once, however many replicas record it at once', async () => {
    const replicas = [0, 1, 2].map(() => new CouchEventLog(couch, clock, log));
    const published = await Promise.all(
      replicas.map((events, i) => {
        clock.advance(i);
        return events.publish({ type: 'stack_running', stackId: 'stack:web', dedupeKey: 'stack:web:1:0:running' });
      }),
    );
    expect(new Set(published.map((e) => e['@id'])).size).toBe(1);
    expect(published[0]!['@id']).toBe('event:stack_running:stack:web:1:0:running');
    expect(await replicas[0]!.list({ limit: 10 })).toHaveLength(1);
    expect(await replicas[1]!.list({ stackId: 'stack:web', limit: 10 })).toHaveLength(1);
    // The key is scoped by type: another kind of event with the same key is its own event.
    await replicas[0]!.publish({ type: 'stack_deploying', stackId: 'stack:web', dedupeKey: 'stack:web:1:0:running' });
    expect(await replicas[0]!.list({ limit: 10 })).toHaveLength(2);
  });

  it('stores a burst of events published at once in one grouped write, lists duplicates of a key once', async () => {
    const events = new CouchEventLog(couch, clock, log);
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => events.publish({ type: 'task_updated', data: { i } })),
      ...Array.from({ length: 5 }, () => events.publish({ type: 'stack_running', stackId: 'stack:web', dedupeKey: 'web:1:0:running' })),
    ]);
    const pages = (await couch.db.events.list()).rows.filter((row) => !row.id.startsWith('_design'));
    expect(pages).toHaveLength(2);
    const stored = await events.list({ limit: 100 });
    expect(stored).toHaveLength(41);
    expect(stored.filter((e) => e.type === 'task_updated').map((e) => e.data.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('lists the newest events of a stack across many pages, oldest first', async () => {
    const events = new CouchEventLog(couch, clock, log);
    for (let i = 0; i < 30; i += 1) {
      // Each await is its own grouped write: 30 pages of the stack, another stack's in between.
      await Promise.all([
        events.publish({ type: 'task_updated', stackId: 'stack:a', data: { i } }),
        events.publish({ type: 'task_updated', stackId: 'stack:a', data: { i: i + 0.5 } }),
        events.publish({ type: 'task_updated', stackId: 'stack:b', data: { i } }),
      ]);
      clock.advance(i % 3 === 0 ? 0 : 10);
    }
    const newest = await events.list({ stackId: 'stack:a', limit: 5 });
    expect(newest.map((e) => e.data.i)).toEqual([27.5, 28, 28.5, 29, 29.5]);
    const all = await events.list({ limit: 4 });
    expect(all.map((e) => [e.stackId, e.data.i])).toEqual([
      ['stack:b', 28],
      ['stack:a', 29],
      ['stack:a', 29.5],
      ['stack:b', 29],
    ]);
  });

  it('delivers events to live subscribers in publish order, also when they are written in several grouped writes', async () => {
    const writer = await startedLog(200);
    const reader = await startedLog(200);
    const seen: number[] = [];
    reader.subscribe((event) => seen.push(event.data.i as number));
    // Published one after another without waiting for the store: they span many grouped writes.
    const published: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i += 1) {
      published.push(writer.publish({ type: 'task_updated', data: { i } }));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(published);
    await waitFor(() => (seen.length >= 60 ? true : undefined), 'every event on the feed');
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('delivers to subscribers what ANOTHER replica publishes, once each, to every subscriber', async () => {
    const replicaA = await startedLog();
    const replicaB = new CouchEventLog(connectCouch({ ...store.endpoint(), prefix: couch.names.events.replace(/events$/, '') }), clock, log);
    const first: DeploymentEvent[] = [];
    const second: DeploymentEvent[] = [];
    replicaA.subscribe((e) => first.push(e));
    replicaA.subscribe(() => {
      throw new Error('a broken listener does not stop the others');
    });
    const unsubscribe = replicaA.subscribe((e) => second.push(e));

    await replicaB.publish({ type: 'host_online', hostId: 'vm1' });
    await replicaB.publish({ type: 'host_offline', hostId: 'vm1', dedupeKey: 'vm1:t' });
    await replicaB.publish({ type: 'host_offline', hostId: 'vm1', dedupeKey: 'vm1:t' });
    await waitFor(() => (first.length >= 2 ? true : undefined), 'two events');
    unsubscribe();
    await replicaB.publish({ type: 'host_draining', hostId: 'vm1' });
    await waitFor(() => (first.length >= 3 ? true : undefined), 'the third event');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first.map((e) => e.type)).toEqual(['host_online', 'host_offline', 'host_draining']);
    expect(second.map((e) => e.type)).toEqual(['host_online', 'host_offline']);
  });

  it('does not replay what was written before start, and delivers nothing after stop', async () => {
    const writer = new CouchEventLog(couch, clock, log);
    await writer.publish({ type: 'stack_deploying', stackId: 'stack:old' });
    const reader = await startedLog();
    const seen: string[] = [];
    reader.subscribe((e) => seen.push(e.stackId ?? ''));
    await writer.publish({ type: 'stack_deploying', stackId: 'stack:new' });
    await waitFor(() => (seen.length > 0 ? true : undefined), 'the new event');
    await reader.stop();
    await writer.publish({ type: 'stack_deploying', stackId: 'stack:late' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(['stack:new']);
  });

  it('never crashes on a store that does not answer: start and stop still resolve', async () => {
    const dead = connectCouch({ url: 'http://127.0.0.1:9', prefix: 'nowhere_' });
    const events = new CouchEventLog(dead, clock, log, { pollMs: 100 });
    await events.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await events.stop();
    await expect(events.publish({ type: 'host_online', hostId: 'x' })).rejects.toThrow();
  });
});
