/**
 * How the CouchDB queue writes a task: always a conditional write (the `_rev` it was read at), whose
 * outcome also keeps this replica's view of unfinished tasks current and wakes the long-polls it concerns
 * at once, without waiting for the `_changes` feed to echo the write. Read-modify-write goes again on a
 * fresh read when another writer got there first.
 */
import { AppError, isTerminalTaskStatus, type AgentTaskDocument } from '@graphium/shared';
import type { ActiveTasks } from './activeTasks.js';
import { stripConflicts, type StoredTask, type TaskDocs } from './taskDocs.js';
import type { TransitionContext } from './transitions.js';
import type { Wakeups } from './wakeups.js';

/** The new version of the task, or undefined to leave it as it is. May throw an AppError to refuse. */
export type Change = (task: StoredTask, ctx: TransitionContext) => AgentTaskDocument | undefined;

/** Attempts at a read-modify-write of one task when others keep writing it first. */
const MAX_WRITE_ATTEMPTS = 5;

export class TaskWrites {
  constructor(
    private readonly docs: TaskDocs,
    private readonly active: ActiveTasks,
    private readonly wakeups: Wakeups,
    private readonly transitionContext: () => TransitionContext,
  ) {}

  /** Takes a version into the view (own write or feed); when it is news, wakes whoever it concerns. */
  remember(task: StoredTask): boolean {
    if (!this.active.apply(task)) return false;
    if (task.status === 'pending') this.wakeups.wake(task.hostId);
    else if (isTerminalTaskStatus(task.status)) for (const host of task.wakeHosts) this.wakeups.wake(host);
    return true;
  }

  /** Conditional write. undefined when another write came first (the view's entry is then stale). */
  async write(task: AgentTaskDocument): Promise<StoredTask | undefined> {
    const stored = await this.docs.write(task);
    if (stored === undefined) this.active.forget(task['@id'], task._rev);
    else this.remember(stored);
    return stored;
  }

  /**
   * Read, change, conditional write; again on a fresh read when another write got there first. With
   * `viewFirst` the view's copy is tried before a read (it saves one when current); a refusal is only ever
   * decided on a fresh read, since the view may lag behind another replica's write.
   */
  async change(id: string, next: Change, viewFirst = false): Promise<AgentTaskDocument | undefined> {
    let cached = viewFirst ? this.active.get(id) : undefined;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const current = cached ?? (await this.docs.read(id));
      if (current === undefined) throw new AppError('NOT_FOUND', `no task ${id}`);
      let changed: AgentTaskDocument | undefined;
      try {
        changed = next(current, this.transitionContext());
      } catch (error) {
        if (cached === undefined) throw error;
        cached = undefined;
        continue;
      }
      cached = undefined;
      if (changed === undefined) return undefined;
      const written = await this.write(changed);
      if (written !== undefined) return stripConflicts(written);
    }
    throw new AppError('CONFLICT', `task ${id} kept changing; try again`);
  }

  /** change() for changes that always produce a new version. */
  async changeOrThrow(id: string, next: Change, viewFirst = false): Promise<AgentTaskDocument> {
    const changed = await this.change(id, next, viewFirst);
    if (changed === undefined) throw new AppError('INTERNAL', `task ${id} was not changed`);
    return changed;
  }
}
