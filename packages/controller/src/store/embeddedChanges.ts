/**
 * `GET /{db}/_changes?feed=longpoll` for the embedded store, answered here rather than by express-pouchdb,
 * whose longpoll has two faults: it ignores `timeout` (it waits until a change comes; STORE-NOTES), and
 * when the client leaves during its first check it still starts a live feed and a 6-second heartbeat
 * timer that never stop (found with jest: the process could not exit). This one answers at once when
 * changes are waiting, else with the first change or `[]` at `timeout`, and tidies up when the client
 * leaves. Anything else (other feeds, filters, POST) goes to express-pouchdb as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

interface ChangesAnswer {
  results: unknown[];
  last_seq: unknown;
}

interface LiveChanges {
  on(event: 'change', listener: (change: { seq: unknown }) => void): LiveChanges;
  on(event: 'error', listener: (error: unknown) => void): LiveChanges;
  cancel(): void;
}

/** The part of PouchDB (with express-pouchdb's all-dbs plugin) used here; vendor.d.ts declares less. */
export interface PouchConstructor {
  new (name: string): {
    changes(options: ChangesOptions): Promise<ChangesAnswer>;
    changes(options: ChangesOptions & { live: true }): LiveChanges;
  };
  allDbs(): Promise<string[]>;
}

interface ChangesOptions {
  since: unknown;
  include_docs: boolean;
  conflicts: boolean;
  limit?: number;
}

/** Longest wait a client may ask for (CouchDB's default `changes_timeout` is 60 s). */
const MAX_TIMEOUT_MS = 60_000;

function flag(value: string | null): boolean {
  return value === 'true';
}

/** Returns false when the request is not a plain longpoll: the caller passes it on. */
export function serveLongpoll(Pouch: PouchConstructor, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || req.url === undefined) return false;
  const url = new URL(req.url, 'http://embedded');
  const match = /^\/([^/_][^/]*)\/_changes$/.exec(url.pathname);
  const query = url.searchParams;
  if (match === null || query.get('feed') !== 'longpoll' || query.has('filter') || query.has('doc_ids')) return false;
  const name = decodeURIComponent(match[1] ?? '');
  const since = query.get('since');
  const limit = Number(query.get('limit'));
  const options: ChangesOptions = {
    since: since === null ? 0 : since === 'now' ? 'now' : (JSON.parse(since) as unknown),
    include_docs: flag(query.get('include_docs')),
    conflicts: flag(query.get('conflicts')),
    ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
  };
  const timeoutMs = Math.min(Math.max(Number(query.get('timeout') ?? MAX_TIMEOUT_MS) || 0, 0), MAX_TIMEOUT_MS);
  void answer(Pouch, name, options, timeoutMs, res).catch((error: unknown) => {
    opened.get(Pouch)?.delete(name); // the database may have been deleted and created again
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = (error as { status?: number }).status ?? 500;
    send(res, status, { error: (error as { name?: string }).name ?? 'error', reason: (error as Error).message });
  });
  return true;
}

type Database = InstanceType<PouchConstructor>;

/** One instance per database and constructor: opening one per request would cost more than the answer. */
const opened = new WeakMap<PouchConstructor, Map<string, Database>>();

async function open(Pouch: PouchConstructor, name: string): Promise<Database | undefined> {
  let databases = opened.get(Pouch);
  if (databases === undefined) {
    databases = new Map();
    opened.set(Pouch, databases);
  }
  const known = databases.get(name);
  if (known !== undefined) return known;
  // Opening a missing database would create it: ask first, like express-pouchdb does.
  if (!(await Pouch.allDbs()).includes(name)) return undefined;
  const db = new Pouch(name);
  databases.set(name, db);
  return db;
}

async function answer(Pouch: PouchConstructor, name: string, options: ChangesOptions, timeoutMs: number, res: ServerResponse) {
  const db = await open(Pouch, name);
  if (res.destroyed) return;
  if (db === undefined) {
    send(res, 404, { error: 'not_found', reason: 'no_db_file' });
    return;
  }
  const first = await db.changes(options);
  if (first.results.length > 0 || timeoutMs === 0 || res.destroyed) {
    send(res, 200, first);
    return;
  }
  const next = await new Promise<ChangesAnswer>((resolve, reject) => {
    const feed = db.changes({ ...options, since: first.last_seq, live: true });
    const finish = (results: unknown[], lastSeq: unknown): void => {
      clearTimeout(timer);
      res.off('close', left);
      feed.cancel();
      resolve({ results, last_seq: lastSeq });
    };
    const left = (): void => finish([], first.last_seq);
    const timer = setTimeout(left, timeoutMs);
    res.on('close', left);
    feed.on('change', (change) => finish([change], change.seq));
    feed.on('error', (error: unknown) => {
      clearTimeout(timer);
      res.off('close', left);
      reject(error);
    });
  });
  if (!res.destroyed) send(res, 200, next);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
