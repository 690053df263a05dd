import pino from 'pino';
import { ChangeFollower } from '../../src/store/changeFollower.js';
import { connectCouch } from '../../src/store/couch.js';
import { useTestStore } from '../support/store.js';

const store = useTestStore();
const log = pino({ level: 'silent' });

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe(`ChangeFollower on the ${store.kind} store`, () => {
  it('hands over every document written after start, none from before', async () => {
    const couch = await store.couch();
    await couch.db.events.insert({ _id: 'before' });
    const seen: string[] = [];
    const follower = new ChangeFollower({ couch, db: 'events', log, onChanges: (docs) => seen.push(...docs.map((d) => String(d['_id']))) });
    await follower.start();
    for (let i = 0; i < 5; i += 1) await couch.db.events.insert({ _id: `doc-${i}` });
    await couch.db.events.bulk({ docs: Array.from({ length: 20 }, (_, i) => ({ _id: `bulk-${i}` })) });
    await until(() => seen.length >= 25);
    await follower.stop();
    expect(seen).not.toContain('before');
    expect(new Set(seen).size).toBe(25);
  });

  it('stops at once even in the middle of a long poll', async () => {
    const couch = await store.couch();
    const follower = new ChangeFollower({ couch, db: 'events', log, onChanges: () => undefined, pollMs: 20_000 });
    await follower.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = Date.now();
    await follower.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
  });

  it('with settleMs, waits after an answer so writes arriving one by one come in one answer; stop() cuts the wait', async () => {
    const couch = await store.couch();
    const batches: string[][] = [];
    const follower = new ChangeFollower({ couch, db: 'events', log, settleMs: 400, onChanges: (docs) => batches.push(docs.map((d) => String(d['_id']))) });
    await follower.start();
    await couch.db.events.insert({ _id: 'first' });
    await until(() => batches.length === 1);
    for (const id of ['a', 'b', 'c']) await couch.db.events.insert({ _id: id });
    await until(() => batches.flat().length === 4);
    expect(batches).toEqual([['first'], ['a', 'b', 'c']]);
    const stopping = Date.now();
    await follower.stop();
    expect(Date.now() - stopping).toBeLessThan(300);
  });

  it('asks again when the store holds a poll longer than its timeout', async () => {
    const couch = await store.couch();
    const seen: string[] = [];
    const follower = new ChangeFollower({ couch, db: 'events', log, pollMs: 100, onChanges: (docs) => seen.push(...docs.map((d) => String(d['_id']))) });
    await follower.start();
    await new Promise((resolve) => setTimeout(resolve, 400)); // several empty polls
    await couch.db.events.insert({ _id: 'late' });
    await until(() => seen.includes('late'));
    await follower.stop();
    expect(seen).toEqual(['late']);
  });

  it('retries a failed poll from where it was: nothing written meanwhile is missed', async () => {
    const couch = await store.couch();
    // The store fails the next three requests (a restart, a network cut) and then answers again.
    let failures = 0;
    const flaky = new Proxy(couch.server, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'relax' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (failures > 0) {
            failures -= 1;
            return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const warnings: string[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const seen: string[] = [];
    const follower = new ChangeFollower({
      couch: { ...couch, server: flaky },
      db: 'events',
      log: recording,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      onChanges: (docs) => seen.push(...docs.map((d) => String(d['_id']))),
    });
    await follower.start();
    await couch.db.events.insert({ _id: 'before-the-cut' });
    await until(() => seen.includes('before-the-cut'));
    failures = 3;
    await couch.db.events.insert({ _id: 'during-the-cut' }); // wakes the held poll; the next ones fail
    await couch.db.events.insert({ _id: 'also-during' });
    await until(() => seen.includes('also-during'));
    await follower.stop();
    expect(seen).toEqual(expect.arrayContaining(['before-the-cut', 'during-the-cut', 'also-during']));
    expect(warnings.filter((line) => line.includes('changes.error')).length).toBeGreaterThan(0);
  });

  it('follows a database that appears after start', async () => {
    const couch = await store.couch();
    const late = connectCouch({ ...store.endpoint(), prefix: `${couch.names.tasks.replace(/tasks$/, '')}late_` });
    const seen: string[] = [];
    const follower = new ChangeFollower({
      couch: late,
      db: 'events',
      log,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      onChanges: (docs) => seen.push(...docs.map((d) => String(d['_id']))),
    });
    await follower.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await late.server.db.create(late.names.events);
    // Followed from when the store first answers: write until one is seen.
    for (let i = 0; i < 50 && seen.length === 0; i += 1) {
      await late.db.events.insert({ _id: `doc-${i}` });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await follower.stop();
    await late.server.db.destroy(late.names.events);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('never throws into the process when a listener fails', async () => {
    const couch = await store.couch();
    const follower = new ChangeFollower({
      couch,
      db: 'events',
      log,
      onChanges: () => {
        throw new Error('listener bug');
      },
    });
    await follower.start();
    await couch.db.events.insert({ _id: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await follower.stop();
  });
});
