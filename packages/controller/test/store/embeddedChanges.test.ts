/**
 * The embedded store answers longpoll `_changes` itself (src/store/embeddedChanges.ts): with `timeout`
 * honoured and nothing left running when a client leaves — jest exiting on its own after this file is part
 * of the proof.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCouch, ensureSchema, type Couch } from '../../src/store/couch.js';
import { startEmbeddedStore, type EmbeddedStore } from '../../src/store/embedded.js';

let store: EmbeddedStore;
let couch: Couch;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'graphium-store-'));
  store = await startEmbeddedStore({ dataDir });
  couch = connectCouch({ url: store.url, token: store.token, prefix: 'lp_' });
  await ensureSchema(couch);
});

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const longpoll = (qs: Record<string, unknown>, signal?: AbortSignal) =>
  couch.server.relax({ db: couch.names.events, path: '_changes', qs: { feed: 'longpoll', ...qs }, signal } as never) as Promise<{
    results: { id: string; doc?: { _id: string } }[];
    last_seq: unknown;
  }>;

describe('longpoll _changes on the embedded store', () => {
  it('answers at once with the changes already waiting', async () => {
    await couch.db.events.insert({ _id: 'first' });
    const answer = await longpoll({ since: 0, include_docs: true });
    expect(answer.results.map((r) => r.id)).toContain('first');
  });

  it('answers [] at the timeout when nothing comes', async () => {
    const { update_seq: since } = await couch.db.events.info();
    const started = Date.now();
    const answer = await longpoll({ since, timeout: 300 });
    expect(answer.results).toEqual([]);
    expect(answer.last_seq).toEqual(since);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers with the next change as soon as it is written', async () => {
    const { update_seq: since } = await couch.db.events.info();
    const waiting = longpoll({ since, include_docs: true, timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const written = Date.now();
    await couch.db.events.insert({ _id: 'next' });
    const answer = await waiting;
    expect(answer.results.map((r) => r.doc?._id)).toEqual(['next']);
    expect(Date.now() - written).toBeLessThan(1000);
  });

  it('lets go of a client that leaves, whenever it leaves', async () => {
    for (const afterMs of [0, 1, 5, 50]) {
      const controller = new AbortController();
      const { update_seq: since } = await couch.db.events.info();
      const waiting = longpoll({ since, timeout: 60_000 }, controller.signal).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      controller.abort();
      await waiting;
    }
  });

  it('answers 404 for a database that does not exist, without creating it', async () => {
    await expect(couch.server.relax({ db: 'lp_missing', path: '_changes', qs: { feed: 'longpoll', timeout: 100 } })).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(await couch.server.db.list()).not.toContain('lp_missing');
  });
});
