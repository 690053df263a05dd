/**
 * The one data-access path: nano against a CouchDB-compatible server, the embedded store or a real CouchDB
 * 3.x (single node or cluster) — only the URL differs. Separate databases keep each `_changes` feed small.
 */
import nano, { type DocumentScope, type ServerScope } from 'nano';
import { INDEXES } from './indexes.js';
import { isConflict, isFileExists, isNotFound } from './errors.js';
import { DESIGN_DOCUMENTS, type DesignDocument } from './views.js';

export const DATABASES = ['stacks', 'tasks', 'hosts', 'events', 'tokens'] as const;
export type DatabaseName = (typeof DATABASES)[number];

/** Loosely typed on purpose: every document is validated by its zod schema where it enters or leaves. */
export type Database = DocumentScope<Record<string, unknown>>;

/** One row of a `_bulk_docs` answer: `rev` when written, `error` (`conflict`, `forbidden`, …) when not. */
export interface BulkRow {
  id?: string;
  rev?: string;
  error?: string;
  reason?: string;
}

export interface Couch {
  server: ServerScope;
  /** Full database name of each logical database (prefix applied). */
  names: Record<DatabaseName, string>;
  db: Record<DatabaseName, Database>;
  /** Base URL without credentials, for logs. */
  displayUrl: string;
}

export interface CouchOptions {
  url: string;
  /** Bearer token (the embedded store's); a real CouchDB takes credentials in the URL instead. */
  token?: string | undefined;
  /** Prepended to every database name; default `graphium_`. Tests use their own to share one store. */
  prefix?: string | undefined;
}

export function connectCouch(options: CouchOptions): Couch {
  const headers = options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };
  const server = nano({ url: options.url, headers });
  const prefix = options.prefix ?? 'graphium_';
  const names = Object.fromEntries(DATABASES.map((name) => [name, `${prefix}${name}`])) as Record<DatabaseName, string>;
  const db = Object.fromEntries(DATABASES.map((name) => [name, server.use(names[name])])) as Record<DatabaseName, Database>;
  const parsed = new URL(options.url);
  parsed.username = '';
  parsed.password = '';
  return { server, names, db, displayUrl: parsed.toString().replace(/\/$/, '') };
}

/**
 * Creates the databases, every Mango index the code queries with and the map/reduce views. Idempotent: safe
 * at every start, and at the same moment on several replicas.
 */
export async function ensureSchema(couch: Couch): Promise<void> {
  for (const name of DATABASES) {
    try {
      await couch.server.db.create(couch.names[name]);
    } catch (error) {
      // Another replica may be creating it at the same moment.
      if (!isFileExists(error) && !isConflict(error)) throw error;
    }
  }
  for (const index of INDEXES) {
    await couch.db[index.db].createIndex({ index: { fields: [...index.fields] }, name: index.name, ddoc: index.name });
  }
  for (const design of DESIGN_DOCUMENTS) await ensureDesignDocument(couch, design);
}

/** Writes the design document when it is missing or its views changed (a rewrite rebuilds the views). */
async function ensureDesignDocument(couch: Couch, design: DesignDocument): Promise<void> {
  const db = couch.db[design.db];
  const id = `_design/${design.name}`;
  let current: Record<string, unknown> | undefined;
  try {
    current = await db.get(id);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (current !== undefined && JSON.stringify(current['views']) === JSON.stringify(design.views)) return;
  try {
    await db.insert({ _id: id, ...(current === undefined ? {} : { _rev: current['_rev'] }), language: 'javascript', views: design.views });
  } catch (error) {
    // Another replica wrote it first.
    if (!isConflict(error)) throw error;
  }
}
