/**
 * The embedded store in its own worker thread, as `controller serve` runs it: the built worker script
 * (npm test builds before jest) serves the store; nano reaches it over loopback; close ends the thread and
 * frees the LevelDB lock, so the same data directory opens again with its documents.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectCouch, ensureSchema } from '../../src/store/couch.js';
import { startEmbeddedStore } from '../../src/store/embedded.js';

const script = join(__dirname, '../../dist/store/embeddedWorker.js');

describe('embedded store in a worker thread', () => {
  let dataDir: string;
  beforeAll(() => {
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (npm test does, or: pnpm exec tsc -b)`);
    dataDir = mkdtempSync(join(tmpdir(), 'graphium-worker-store-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the store from the worker, and keeps its documents across a close and a restart', async () => {
    const worker = pathToFileURL(script);
    const first = await startEmbeddedStore({ dataDir, worker });
    const couch = connectCouch({ url: first.url, token: first.token });
    await ensureSchema(couch);
    await couch.db.stacks.insert({ _id: 'stack:kept', name: 'kept' });
    // Only the controller gets in: no token, no store.
    const anonymous = await fetch(`${first.url}/_all_dbs`);
    expect(anonymous.status).toBe(401);
    await first.close();
    await expect(fetch(`${first.url}/_all_dbs`)).rejects.toThrow();

    const second = await startEmbeddedStore({ dataDir, worker });
    const again = connectCouch({ url: second.url, token: second.token });
    expect(await again.db.stacks.get('stack:kept')).toMatchObject({ name: 'kept' });
    await second.close();
  });

  it('reports a worker that cannot start instead of hanging', async () => {
    const missing = pathToFileURL(join(dataDir, 'no-such-worker.js'));
    await expect(startEmbeddedStore({ dataDir, worker: missing })).rejects.toThrow();
  });
});
