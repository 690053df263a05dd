/**
 * The tasks of the stacks the monitor is following, kept current from the tasks `_changes` feed, so a
 * refresh does not read a stack's tasks from the store again each time. (On the embedded store a 100-task
 * stack read is 100 document reads, and a deploying stack refreshes every debounce window: re-reading
 * made the monitor the controller's biggest cost.)
 *
 * A stack is read from the store once, when the monitor starts following it, and merged with whatever the
 * feed delivered meanwhile; it is dropped when it settles, and read again if its tasks change later.
 * Versions only move forward in CouchDB's revision order, so a late delivery or an older read never rolls
 * a task back. Changes that happened before following began are in the read; changes after it, in the feed.
 */
import type { AgentTaskDocument } from '@graphium/shared';
import { isNewerRevision } from '../store/revisions.js';

interface Followed {
  tasks: Map<string, AgentTaskDocument>;
  /** The one read from the store, once started. */
  loaded?: Promise<void>;
}

export class StackTasks {
  private readonly stacks = new Map<string, Followed>();

  /** @param load reads every task of a stack from the store (any generation). */
  constructor(private readonly load: (stackId: string) => Promise<AgentTaskDocument[]>) {}

  /** Starts following a stack (no-op when already followed). */
  follow(stackId: string): void {
    if (!this.stacks.has(stackId)) this.stacks.set(stackId, { tasks: new Map() });
  }

  /** A task version from the feed; kept when its stack is followed and it is newer than the one known. */
  observe(task: AgentTaskDocument): void {
    if (task.stackId === undefined) return;
    const followed = this.stacks.get(task.stackId);
    if (followed !== undefined) keepNewer(followed.tasks, task);
  }

  /** The stack's tasks as known now; the first call per following reads them from the store. */
  async tasksOf(stackId: string): Promise<AgentTaskDocument[]> {
    this.follow(stackId);
    const followed = this.stacks.get(stackId)!;
    followed.loaded ??= this.load(stackId).then(
      (tasks) => {
        for (const task of tasks) keepNewer(followed.tasks, task);
      },
      (error: unknown) => {
        followed.loaded = undefined; // read again next time
        throw error;
      },
    );
    await followed.loaded;
    return [...followed.tasks.values()];
  }

  /** Stops following a stack (it settled or is gone). */
  forget(stackId: string): void {
    this.stacks.delete(stackId);
  }

  /** How many stacks are followed. */
  get size(): number {
    return this.stacks.size;
  }
}

function keepNewer(tasks: Map<string, AgentTaskDocument>, task: AgentTaskDocument): void {
  if (isNewerRevision(task._rev, tasks.get(task['@id'])?._rev)) tasks.set(task['@id'], task);
}
