/**
 * Queries of the tasks database through Mango indexes (store/indexes.ts), paged by key range
 * (keyPaging.ts). Listings come newest first with an opaque cursor; the most selective filter picks the
 * index and the other filters ride along in the selector, which the store applies while it walks the index.
 *
 * On the embedded store a queried index catches up on every task write since its last query (~1 ms each),
 * so these serve API reads and start-up, not the claim path (see activeTasks.ts).
 */
import { AppError, type AgentTaskDocument, type TaskListQuery } from '@graphium/shared';
import type { Page } from '../ports.js';
import { byAge } from './activeTasks.js';
import { decodeCursor, encodeCursor, nextPosition, rangeCondition, START, type KeyPosition } from './keyPaging.js';
import { stripConflicts, type MangoQuery, type StoredTask, type TaskDocs } from './taskDocs.js';

/** Index for the filters given: its name and its leading equality field, if any. */
function indexFor(query: TaskListQuery): { index: string; leading?: 'stackId' | 'hostId' | 'status' } {
  if (query.stackId !== undefined) return { index: 'tasks-stack', leading: 'stackId' };
  if (query.hostId !== undefined) return { index: 'tasks-host-created', leading: 'hostId' };
  if (query.status !== undefined) return { index: 'tasks-status-created', leading: 'status' };
  return { index: 'tasks-created' };
}

export async function listTasks(docs: TaskDocs, query: TaskListQuery): Promise<Page<AgentTaskDocument>> {
  const position = query.cursor === undefined ? START : decodeCursor(query.cursor);
  if (position === undefined) throw new AppError('BAD_REQUEST', 'unknown cursor: pass back the `next` of a previous page');
  if (query.stackId !== undefined) return listStackTasks(docs, { ...query, stackId: query.stackId }, position);
  const { index, leading } = indexFor(query);
  const filters = Object.fromEntries(
    (['hostId', 'stackId', 'status', 'taskType'] as const).flatMap((field) =>
      query[field] === undefined ? [] : [[field, query[field]]],
    ),
  );
  const sort: MangoQuery['sort'] = [...(leading === undefined ? [] : [{ [leading]: 'desc' as const }]), { dateCreated: 'desc' }];
  // One row more than asked tells whether a next page exists.
  const rows = await docs.find({
    selector: { ...filters, dateCreated: rangeCondition(position, 'desc') },
    sort,
    limit: query.limit + 1,
    skip: position.skip,
    index,
  });
  const items = rows.slice(0, query.limit).map(stripConflicts);
  if (rows.length <= query.limit) return { items };
  const next: KeyPosition = nextPosition(position, items.map((task) => task.dateCreated));
  return { items, next: encodeCursor(next) };
}

/**
 * The tasks of one stack, filtered and paged in memory (a stack's tasks are few): the ones the controller
 * created are read by id range, so a listing right after a deploy or delete shows every task it wrote (the
 * embedded store's Mango index was seen to answer without one); manual tasks naming the stack come through
 * the index. Same order and cursor as the indexed listings: newest first.
 */
async function listStackTasks(docs: TaskDocs, query: TaskListQuery & { stackId: string }, position: KeyPosition): Promise<Page<AgentTaskDocument>> {
  const byId = new Map<string, AgentTaskDocument>();
  for (const task of await docs.withIdPrefix(`task:${query.stackId}:`)) byId.set(task._id, stripConflicts(task));
  for (let page = START; ; ) {
    const rows = await docs.find({
      selector: { stackId: query.stackId, dateCreated: rangeCondition(page, 'asc') },
      sort: [{ stackId: 'asc' }, { dateCreated: 'asc' }],
      limit: 500,
      skip: page.skip,
      index: 'tasks-stack',
    });
    for (const task of rows) if (!byId.has(task._id)) byId.set(task._id, stripConflicts(task));
    if (rows.length < 500) break;
    page = nextPosition(page, rows.map((task) => task.dateCreated));
  }
  const matching = [...byId.values()]
    .filter((task) => (['hostId', 'status', 'taskType'] as const).every((field) => query[field] === undefined || task[field] === query[field]))
    .sort((a, b) => byAge(b, a));
  // The position: rows up to `key` (inclusive), less the first `skip` rows with exactly that key.
  let from = 0;
  if (position.key !== undefined) {
    const key = position.key;
    from = matching.findIndex((task) => task.dateCreated <= key);
    if (from === -1) from = matching.length;
    let skipped = 0;
    while (skipped < position.skip && matching[from]?.dateCreated === key) {
      from += 1;
      skipped += 1;
    }
  }
  const items = matching.slice(from, from + query.limit);
  if (from + query.limit >= matching.length) return { items };
  return { items, next: encodeCursor(nextPosition(position, items.map((task) => task.dateCreated))) };
}

/**
 * Every task the controller created for a stack (all generations and operations: their ids start with
 * `task:{stackId}:`), oldest first. Read by id range, not through an index, so a task written just before
 * is always there: the stack monitor and stack operations decide from this. (Manual tasks that name the
 * stack have ids of their own; the task listing finds them.)
 */
export async function tasksOfStack(docs: TaskDocs, stackId: string): Promise<AgentTaskDocument[]> {
  const tasks = await docs.withIdPrefix(`task:${stackId}:`);
  return tasks.map(stripConflicts).sort(byAge);
}

/**
 * Every task in one status, a page at a time, through the index that serves it: held tasks (claimed,
 * running) by lease expiry, others by age. Loads the replica's view of unfinished tasks at start.
 */
export async function* tasksInStatus(docs: TaskDocs, status: AgentTaskDocument['status'], pageSize = 1000): AsyncGenerator<StoredTask[]> {
  const byLease = status === 'claimed' || status === 'running';
  const field = byLease ? 'lease.expiresAt' : 'dateCreated';
  let position = START;
  for (;;) {
    const rows = await docs.find({
      selector: { status, [field]: rangeCondition(position, 'asc') },
      sort: [{ status: 'asc' }, { [field]: 'asc' }],
      limit: pageSize,
      skip: position.skip,
      index: byLease ? 'tasks-status-lease' : 'tasks-status-created',
    });
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    position = nextPosition(
      position,
      rows.map((task) => (byLease ? (task.lease?.expiresAt ?? '') : task.dateCreated)),
    );
  }
}
