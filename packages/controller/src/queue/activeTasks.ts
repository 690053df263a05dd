/**
 * This replica's view of the unfinished tasks (pending, claimed, running): where the claim finds its
 * candidates, re-hand its lost claims and the sweeper its expired leases, without a query per claim.
 *
 * Why not a Mango query per claim: on the embedded store each queried index costs ~1.2 ms of CPU for every
 * task write it has to catch up on (PouchDB maintains indexes as map/reduce views), which caps a
 * query-per-claim queue at ~50–70 task lifecycles/s; the `_changes` feed with documents costs ~0.3 ms per
 * write. So the view is loaded once through Mango at start, then kept exact by the tasks `_changes` feed
 * (every replica's writes) and by this replica's own writes (at once, before the feed echoes them).
 *
 * It is a cache, never the authority: every decision taken from it is a conditional write, so a stale
 * entry costs one 409, after which it is dropped until the feed brings the current version. Versions are
 * ordered the way CouchDB picks a winning revision (higher generation, then higher revision string), so
 * late or repeated feed deliveries never roll an entry back.
 */
import { isTerminalTaskStatus, type AgentTaskDocument, type TaskStatus } from '@graphium/shared';
import { isNewerRevision } from '../store/revisions.js';
import type { StoredTask } from './taskDocs.js';

/** How many finished tasks' last revisions are remembered, to ignore late deliveries of older ones. */
const FINISHED_MEMORY = 50_000;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Claim order: queue key (priority, then age), ties by id. The in-memory queue uses the same. */
export const byQueueOrder = (a: AgentTaskDocument, b: AgentTaskDocument): number =>
  compare(a.queueKey, b.queueKey) || compare(a['@id'], b['@id']);

/** Age order, ties by id. */
export const byAge = (a: AgentTaskDocument, b: AgentTaskDocument): number =>
  compare(a.dateCreated, b.dateCreated) || compare(a['@id'], b['@id']);

export class ActiveTasks {
  private readonly byId = new Map<string, StoredTask>();
  private readonly byHost = new Map<string, Map<string, StoredTask>>();
  /** Pending tasks of a host in queue order, recomputed after a change to that host's tasks. */
  private readonly queueOrder = new Map<string, StoredTask[]>();
  private readonly finished = new Map<string, string>();

  /** Takes a version of a task if it is newer than the one known. Returns whether it was taken. */
  apply(task: StoredTask): boolean {
    const known = this.byId.get(task._id)?._rev ?? this.finished.get(task._id);
    if (!isNewerRevision(task._rev, known)) return false;
    this.remove(task._id);
    if (isTerminalTaskStatus(task.status)) {
      this.finished.set(task._id, task._rev);
      if (this.finished.size > FINISHED_MEMORY) {
        const oldest = this.finished.keys().next().value;
        if (oldest !== undefined) this.finished.delete(oldest);
      }
      return true;
    }
    this.finished.delete(task._id);
    this.byId.set(task._id, task);
    let host = this.byHost.get(task.hostId);
    if (host === undefined) {
      host = new Map();
      this.byHost.set(task.hostId, host);
    }
    host.set(task._id, task);
    this.queueOrder.delete(task.hostId);
    return true;
  }

  /**
   * Drops an entry found stale: a conditional write based on revision `staleRev` conflicted. Only that
   * revision goes — should the feed have brought a newer one meanwhile, it stays — and the feed brings the
   * current one. Without `staleRev` (the document was deleted) the entry goes whatever it is.
   */
  forget(id: string, staleRev?: string): void {
    const known = this.byId.get(id);
    if (known !== undefined && (staleRev === undefined || known._rev === staleRev)) this.remove(id);
  }

  get(id: string): StoredTask | undefined {
    return this.byId.get(id);
  }

  /** Pending tasks of the host, highest priority then oldest first. */
  pendingOf(hostId: string): readonly StoredTask[] {
    let ordered = this.queueOrder.get(hostId);
    if (ordered === undefined) {
      ordered = [...(this.byHost.get(hostId)?.values() ?? [])].filter((task) => task.status === 'pending').sort(byQueueOrder);
      this.queueOrder.set(hostId, ordered);
    }
    return ordered;
  }

  /** The host's tasks in the given statuses, in queue order. */
  ofHost(hostId: string, statuses: readonly TaskStatus[]): StoredTask[] {
    return [...(this.byHost.get(hostId)?.values() ?? [])].filter((task) => statuses.includes(task.status)).sort(byQueueOrder);
  }

  /** Every held task (claimed or running): the sweeper looks for expired leases among them. */
  held(): StoredTask[] {
    return [...this.byId.values()].filter((task) => task.status === 'claimed' || task.status === 'running');
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.byHost.clear();
    this.queueOrder.clear();
    this.finished.clear();
  }

  private remove(id: string): void {
    const task = this.byId.get(id);
    if (task === undefined) return;
    this.byId.delete(id);
    this.byHost.get(task.hostId)?.delete(id);
    this.queueOrder.delete(task.hostId);
  }
}
