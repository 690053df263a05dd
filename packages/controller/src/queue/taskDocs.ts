/**
 * The tasks database as the queue uses it. Reads and conditional writes are grouped (Batcher): reads of
 * many callers become one `_all_docs` request, writes one `_bulk_docs` request whose per-document rows tell
 * each caller whether its write won (a `conflict` row is a 409: someone else changed the task first).
 * Reads ask for `conflicts=true`, so a stored conflict left by a CouchDB cluster is always visible.
 */
import type { AgentTaskDocument } from '@graphium/shared';
import type { BulkRow, Database } from '../store/couch.js';
import { Batcher, type BatcherOptions } from '../store/batcher.js';
import { bulkRowError } from '../store/errors.js';

/** A task as read from the store: `_conflicts` lists losing revisions of a stored conflict, if any. */
export type StoredTask = AgentTaskDocument & { _id: string; _rev: string; _conflicts?: string[] };

export interface MangoQuery {
  selector: Record<string, unknown>;
  sort: Record<string, 'asc' | 'desc'>[];
  limit: number;
  skip?: number;
  /** Index name (= its design document name, see store/indexes.ts). */
  index: string;
  fields?: string[];
}

interface FetchRow {
  key?: string;
  error?: string;
  doc?: Record<string, unknown> | null;
}

export class TaskDocs {
  private readonly reads: Batcher<string, StoredTask | undefined>;
  private readonly writes: Batcher<Record<string, unknown>, BulkRow>;

  constructor(
    readonly db: Database,
    batching: BatcherOptions = {},
  ) {
    this.reads = new Batcher((ids) => this.fetch(ids), batching);
    this.writes = new Batcher((docs) => this.bulk(docs), batching);
  }

  read(id: string): Promise<StoredTask | undefined> {
    return this.reads.submit(id);
  }

  async readMany(ids: readonly string[]): Promise<Map<string, StoredTask>> {
    const unique = [...new Set(ids)];
    const docs = await this.reads.submitAll(unique);
    const found = new Map<string, StoredTask>();
    for (const doc of docs) if (doc !== undefined) found.set(doc._id, doc);
    return found;
  }

  /**
   * Conditional write: the task with the `_rev` it was read at. Returns it with its new `_rev`, or undefined
   * when another write got there first (409).
   */
  async write(task: AgentTaskDocument): Promise<StoredTask | undefined> {
    const doc = { ...stripConflicts(task), _id: task._id ?? task['@id'] };
    const row = await this.writes.submit(doc);
    if (row.error === 'conflict') return undefined;
    if (row.error !== undefined || row.rev === undefined) throw bulkRowError(doc._id, row);
    return { ...doc, _rev: row.rev } as StoredTask;
  }

  /** Creates the tasks whose ids are new; returns how many were new. Existing ids are left as they are. */
  async insertNew(tasks: readonly AgentTaskDocument[]): Promise<AgentTaskDocument[]> {
    const docs = tasks.map((task) => {
      const { _rev: _ignored, ...rest } = task;
      return { ...rest, _id: task['@id'] };
    });
    const rows = await this.writes.submitAll(docs);
    const inserted: AgentTaskDocument[] = [];
    rows.forEach((row, i) => {
      const doc = docs[i];
      if (doc === undefined || row.error === 'conflict') return;
      if (row.error !== undefined || row.rev === undefined) throw bulkRowError(doc._id, row);
      inserted.push({ ...doc, _rev: row.rev });
    });
    return inserted;
  }

  /** Deletes losing revisions of stored conflicts. Ones already gone (another replica was faster) are fine. */
  async discardRevisions(losers: readonly { id: string; rev: string }[]): Promise<void> {
    if (losers.length === 0) return;
    await this.writes.submitAll(losers.map(({ id, rev }) => ({ _id: id, _rev: rev, _deleted: true })));
  }

  /**
   * Every task whose id starts with `prefix`, in id order, read in pages over `_all_docs`. Unlike a Mango
   * query it always includes the latest writes (no index to catch up: the embedded store's Mango indexes
   * were seen to answer without a task written just before).
   */
  async withIdPrefix(prefix: string, pageSize = 500): Promise<StoredTask[]> {
    const all: StoredTask[] = [];
    let startkey = prefix;
    let skip = 0;
    for (;;) {
      const page = await this.db.list({ include_docs: true, conflicts: true, startkey, endkey: `${prefix}\ufff0`, limit: pageSize, skip });
      const docs = page.rows.flatMap((row) => (row.doc === undefined || row.doc === null ? [] : [row.doc as unknown as StoredTask]));
      all.push(...docs);
      const last = page.rows.at(-1);
      if (page.rows.length < pageSize || last === undefined) return all;
      // Continue after the last id seen (skip 1: the page starts with it).
      startkey = last.id;
      skip = 1;
    }
  }

  async find(query: MangoQuery): Promise<StoredTask[]> {
    const response = await this.db.find({
      selector: query.selector,
      sort: query.sort,
      limit: query.limit,
      ...(query.skip ? { skip: query.skip } : {}),
      ...(query.fields === undefined ? {} : { fields: query.fields }),
      use_index: [query.index, query.index],
    } as Parameters<Database['find']>[0]);
    return response.docs as unknown as StoredTask[];
  }

  /** Waits for every grouped request in flight (before the store is closed). */
  async drained(): Promise<void> {
    await Promise.all([this.reads.drained(), this.writes.drained()]);
  }

  private async fetch(ids: string[]): Promise<(StoredTask | undefined)[]> {
    const response = (await this.db.fetch({ keys: ids }, { conflicts: true } as never)) as { rows: FetchRow[] };
    const byId = new Map<string, StoredTask>();
    for (const row of response.rows) {
      if (row.error === undefined && row.doc !== null && row.doc !== undefined && row.key !== undefined) {
        byId.set(row.key, row.doc as StoredTask);
      }
    }
    return ids.map((id) => byId.get(id));
  }

  private async bulk(docs: Record<string, unknown>[]): Promise<BulkRow[]> {
    return (await this.db.bulk({ docs })) as BulkRow[];
  }
}

/** The task without `_conflicts`, as handed to callers. */
export function stripConflicts(doc: AgentTaskDocument & { _conflicts?: string[] }): AgentTaskDocument {
  const { _conflicts: _ignored, ...rest } = doc;
  return rest;
}

