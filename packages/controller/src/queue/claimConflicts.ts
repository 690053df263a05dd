/**
 * Cluster safety for claims (DESIGN.md §5). On a CouchDB cluster two writes of the same `_rev` that reach
 * different coordinators can both be accepted, leaving a stored conflict instead of a 409. So a claim is
 * read back (one request for the whole batch, with `conflicts=true`) and settled the way CouchDB settles
 * it everywhere: the revision CouchDB reports as the winner owns the task; losing revisions are deleted; a
 * claimer whose lease token is not in the winner lost and drops the task. Later writes are fenced by the
 * token, so a claimer that could not yet see the conflict is stopped at its first report.
 */
import type { AgentTaskDocument } from '@graphium/shared';
import type { Logger } from 'pino';
import { stripConflicts, type StoredTask, type TaskDocs } from './taskDocs.js';

export interface WrittenClaim {
  id: string;
  /** The lease token this claimer wrote. */
  token: string;
}

/** Returns the claims this claimer keeps, as stored now. `seen` gets every document read back. */
export async function settleClaims(
  docs: TaskDocs,
  claims: readonly WrittenClaim[],
  log: Logger,
  seen: (task: StoredTask) => void = () => undefined,
): Promise<AgentTaskDocument[]> {
  if (claims.length === 0) return [];
  const stored = await docs.readMany(claims.map((claim) => claim.id));
  await discardConflicts(docs, [...stored.values()], log);
  for (const task of stored.values()) seen(task);
  const kept: AgentTaskDocument[] = [];
  for (const claim of claims) {
    const doc = stored.get(claim.id);
    if (doc !== undefined && doc.status === 'claimed' && doc.lease?.token === claim.token) {
      kept.push(stripConflicts(doc));
    } else {
      log.warn({ event: 'task.claim.lost', taskId: claim.id, status: doc?.status }, 'another claimer owns the task');
    }
  }
  return kept;
}

/** Deletes the losing revisions of every stored conflict among `tasks`; the winner stays as it is. */
export async function discardConflicts(docs: TaskDocs, tasks: readonly StoredTask[], log: Logger): Promise<void> {
  const losers = tasks.flatMap((task) => (task._conflicts ?? []).map((rev) => ({ id: task._id, rev })));
  if (losers.length === 0) return;
  for (const task of tasks) {
    if (task._conflicts?.length) {
      log.warn({ event: 'task.conflict.resolved', taskId: task._id, winner: task._rev, losers: task._conflicts });
    }
  }
  await docs.discardRevisions(losers);
}
