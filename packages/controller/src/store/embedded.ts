/**
 * The embedded CouchDB-compatible store: PouchDB on LevelDB, served by express-pouchdb on a random loopback
 * port, so the controller talks to it through nano exactly as it talks to a real CouchDB (one data path).
 * Only the controller can reach it: it binds 127.0.0.1 and demands a random bearer token.
 *
 * express-pouchdb runs in minimum mode plus Mango (`routes/find`) and without compression (compression
 * buffers continuous `_changes` feeds; see STORE-NOTES.md). Longpoll `_changes` is answered by
 * embeddedChanges.ts instead (express-pouchdb's ignores `timeout` and can leak a timer for ever). One
 * process per data directory: LevelDB locks it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import expressPouchdb from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import { serveLongpoll, type PouchConstructor } from './embeddedChanges.js';

/** Passed through PouchDB to every LevelDB it opens (leveldown's open options). */
const LEVELDB_OPTIONS = { cacheSize: 2 ** 20, writeBufferSize: 2 ** 20 };

export interface EmbeddedStore {
  /** Base URL of the store on loopback. */
  url: string;
  /** Bearer token every request to the store must carry. */
  token: string;
  close(): Promise<void>;
}

export interface EmbeddedStoreOptions {
  dataDir: string;
  /**
   * The built `embeddedWorker.js`: when given, the store runs in a worker thread, so PouchDB and LevelDB use
   * the second core while the API runs on the main thread. Without it, the store shares the main thread.
   */
  worker?: URL | undefined;
}

export function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return options.worker === undefined ? serveEmbeddedStore(options) : startInWorker(options.worker, options.dataDir);
}

/**
 * The store thread's young generation. V8's default (tens of MiB) stays committed once a burst of requests
 * grew it, and the store's garbage is short-lived request bodies that a small one collects as well: with
 * 1,000 idle agents this keeps the controller's RSS about 30 MiB lower, at no throughput cost measured
 * (docs/benchmarks.md).
 */
const STORE_WORKER_LIMITS = { maxYoungGenerationSizeMb: 12 };

/** Messages between the main thread and the store's worker thread. */
export type WorkerReply = { kind: 'ready'; url: string; token: string } | { kind: 'failed'; message: string } | { kind: 'closed' };

async function startInWorker(script: URL, dataDir: string): Promise<EmbeddedStore> {
  const worker = new Worker(script, { workerData: { dataDir }, resourceLimits: STORE_WORKER_LIMITS });
  // `once` rejects when the worker emits 'error' first (it failed to load).
  const [reply] = (await once(worker, 'message')) as [WorkerReply];
  if (reply.kind !== 'ready') {
    await worker.terminate();
    throw new Error(`embedded store did not start: ${reply.kind === 'failed' ? reply.message : reply.kind}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: reply.url,
    token: reply.token,
    close: () =>
      (closing ??= (async () => {
        // The server closes first (no request is half-applied), then the thread ends.
        const closed = Promise.race([once(worker, 'message'), once(worker, 'exit')]);
        worker.postMessage('close');
        await closed.catch(() => undefined);
        await worker.terminate();
      })()),
  };
}

/** Runs the store on the calling thread (the worker thread's body, and the tests' in-process store). */
export async function serveEmbeddedStore(options: { dataDir: string }): Promise<EmbeddedStore> {
  const dataDir = join(options.dataDir, 'store');
  mkdirSync(dataDir, { recursive: true });
  // Every database and every Mango index is a LevelDB of its own (17 of them): at LevelDB's defaults (8 MiB
  // block cache + 4 MiB write buffer each) that is up to ~200 MiB of native memory. 1 MiB each measured
  // 30–70 MiB less idle RSS with 1,000 agents and no loss of throughput (docs/benchmarks.md).
  const Pouch = PouchDB.defaults({ prefix: `${dataDir}/`, ...LEVELDB_OPTIONS } as Parameters<typeof PouchDB.defaults>[0]);
  const app = expressPouchdb(Pouch, {
    mode: 'minimumForPouchDB',
    // Without compression: it buffers `_changes` feeds, and gzip costs CPU on every loopback response.
    overrideMode: { include: ['routes/find'], exclude: ['compression'] },
    logPath: join(dataDir, 'log.txt'),
    configPath: join(dataDir, 'config.json'),
  });
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const server: Server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'unauthorized', reason: 'embedded store: bearer token required' }));
      return;
    }
    if (serveLongpoll(Pouch as unknown as PouchConstructor, req, res)) return;
    app(req, res);
  });
  // Long-polls and continuous feeds may stay open for a long time; Node's default request timeout would cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('embedded store: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
