/**
 * The task queue on CouchDB (DESIGN.md §5), through nano against the embedded store or a real CouchDB.
 * The store is the only authority: every decision is a conditional write of a task document, and every
 * replica follows the tasks `_changes` feed, which keeps its view of unfinished tasks exact (activeTasks.ts)
 * and wakes the long-polls it holds — so one replica or many behave alike. Pieces: claimNext.ts (the
 * claim), claimConflicts.ts (cluster safety), transitions.ts (pure state changes, shared with the in-memory
 * fake), taskWrites.ts + taskDocs.ts (conditional writes, group commit), longPoll.ts + wakeups.ts (waiting
 * for work).
 */
import {
  AppError,
  agentTaskDocument,
  DEFAULT_RETRY_POLICY,
  isTerminalTaskStatus,
  LEASE_SECONDS,
  type AgentTaskDocument,
  type CreateTaskRequest,
  type RetryPolicy,
  type TaskListQuery,
  type TaskStatsResponse,
  type TaskStatusUpdate,
} from '@graphium/shared';
import type { Logger } from 'pino';
import { systemClock, type ClaimRequest, type Clock, type Page, type TaskQueue } from '../ports.js';
import { ChangeFollower } from '../store/changeFollower.js';
import type { Couch } from '../store/couch.js';
import { withStoreErrors } from '../store/errors.js';
import { ActiveTasks } from './activeTasks.js';
import type { BatcherOptions } from '../store/batcher.js';
import { claimNext, type ClaimContext } from './claimNext.js';
import { discardConflicts } from './claimConflicts.js';
import { KeyedLock } from './keyedLock.js';
import { longPoll } from './longPoll.js';
import { buildManualTask, manualTaskId } from './manualTask.js';
import { stripConflicts, TaskDocs, type StoredTask } from './taskDocs.js';
import { listTasks, tasksInStatus, tasksOfStack } from './taskListing.js';
import { SharedStats, taskStats } from './taskStats.js';
import { TaskWrites } from './taskWrites.js';
import { applyReport, assertLeaseHolder, cancelTask, endSession, expireLease, retryTask, type TransitionContext } from './transitions.js';
import { Wakeups } from './wakeups.js';

export interface CouchTaskQueueOptions {
  couch: Couch;
  log: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Draw in [0, 1) for retry jitter. Default Math.random. */
  random?: () => number;
  /** Lease length; the agent renews it with every running report. Default 60. */
  leaseSeconds?: number;
  /** How often start() runs the lease sweeper. Default 5,000 ms. */
  sweepIntervalMs?: number;
  /** Back-off of retried tasks. Default: shared DEFAULT_RETRY_POLICY. */
  retryPolicy?: RetryPolicy;
  /** Claim candidates assessed per page (default 50) and pages per claim attempt (default 20). */
  candidatePageSize?: number;
  candidatePages?: number;
  /** Group commit of reads and writes. Default: batches of up to 500, 2 in flight. */
  batching?: BatcherOptions;
  /** Longest held `_changes` longpoll. Default 25,000 ms. */
  changesPollMs?: number;
  /**
   * stats() answers from one view query for this long, and concurrent callers share one query: on the
   * embedded store each query first indexes every task write since the previous one. Default 1,000 ms.
   */
  statsMaxAgeMs?: number;
  /**
   * Read every claim back to settle stored conflicts (DESIGN.md §5). Needed on a CouchDB that may be a
   * cluster; a single-node store never stores a conflict from conditional writes. Default true.
   */
  readBackClaims?: boolean;
}

type Listener = (task: AgentTaskDocument) => void;

export class CouchTaskQueue implements TaskQueue {
  private readonly docs: TaskDocs;
  private readonly active = new ActiveTasks();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly wakeups = new Wakeups();
  private readonly hostLocks = new KeyedLock();
  private readonly listeners = new Set<Listener>();
  private readonly follower: ChangeFollower;
  private readonly claimContext: ClaimContext;
  private readonly writes: TaskWrites;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;
  private held = 0;
  private readonly sharedStats: SharedStats;

  constructor(private readonly options: CouchTaskQueueOptions) {
    this.docs = new TaskDocs(options.couch.db.tasks, options.batching);
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.follower = new ChangeFollower({
      couch: options.couch,
      db: 'tasks',
      log: options.log,
      pollMs: options.changesPollMs,
      // Own writes reach the view at once (TaskWrites); the feed brings other replicas' writes and the
      // stack monitor's news, for which 20 ms later is as good, and far fewer answers under load.
      settleMs: 20,
      onChanges: (docs) => this.applyChanges(docs),
    });
    this.sharedStats = new SharedStats(() => withStoreErrors(() => taskStats(options.couch.db.tasks)), options.statsMaxAgeMs ?? 1_000);
    this.writes = new TaskWrites(this.docs, this.active, this.wakeups, () => this.transitionContext());
    this.claimContext = {
      docs: this.docs,
      active: this.active,
      log: this.log,
      write: (task) => this.writes.write(task),
      transitionContext: () => this.transitionContext(),
      pageSize: options.candidatePageSize ?? 50,
      maxPages: options.candidatePages ?? 20,
      readBack: options.readBackClaims ?? true,
    };
  }

  /** Follows the feed first, then loads the unfinished tasks: nothing written in between is missed. */
  async start(): Promise<void> {
    this.stopped = false;
    this.wakeups.reopen();
    this.active.clear();
    await this.follower.start();
    try {
      await withStoreErrors(async () => {
        for (const status of ['pending', 'claimed', 'running'] as const) {
          for await (const page of tasksInStatus(this.docs, status)) for (const task of page) this.active.apply(task);
        }
      });
    } catch (error) {
      await this.follower.stop();
      throw error;
    }
    this.log.info({ event: 'tasks.queue_started', unfinished: this.active.size });
    this.sweeper = setInterval(() => this.sweepOnce(), this.options.sweepIntervalMs ?? 5_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.wakeups.close();
    await this.follower.stop();
    await this.sweeping;
    await this.docs.drained();
  }

  insertMany(tasks: readonly AgentTaskDocument[]): Promise<void> {
    return withStoreErrors(async () => {
      if (tasks.length === 0) return;
      const inserted = await this.docs.insertNew(tasks.map((task) => agentTaskDocument.parse(task)));
      for (const task of inserted) this.writes.remember(task as StoredTask);
      this.log.info({ event: 'tasks.inserted', inserted: inserted.length, existing: tasks.length - inserted.length });
    });
  }

  get(id: string): Promise<AgentTaskDocument | undefined> {
    return withStoreErrors(async () => {
      const task = await this.docs.read(id);
      return task === undefined ? undefined : stripConflicts(task);
    });
  }

  list(query: TaskListQuery): Promise<Page<AgentTaskDocument>> {
    return withStoreErrors(() => listTasks(this.docs, query));
  }

  forStack(stackId: string): Promise<AgentTaskDocument[]> {
    return withStoreErrors(() => tasksOfStack(this.docs, stackId));
  }

  stats(): Promise<TaskStatsResponse> {
    return this.sharedStats.get();
  }

  claim(request: ClaimRequest): Promise<AgentTaskDocument[]> {
    return withStoreErrors(async () => {
      this.held += 1;
      try {
        return await longPoll(request, {
          wakeups: this.wakeups,
          clock: this.clock,
          isStopped: () => this.stopped,
          attempt: (req, rehand) => this.hostLocks.run(req.hostId, () => claimNext(this.claimContext, req, rehand)),
        });
      } finally {
        this.held -= 1;
      }
    });
  }

  report(taskId: string, hostId: string, update: TaskStatusUpdate): Promise<AgentTaskDocument> {
    return withStoreErrors(async () => {
      const stored = await this.writes.changeOrThrow(taskId, (task, ctx) => {
        assertLeaseHolder(task, hostId, update.leaseToken, ctx.nowMs);
        return applyReport(task, update, ctx);
      }, true);
      const level = update.status === 'running' ? 'debug' : 'info';
      this.log[level]({ event: `task.${update.status}`, taskId, hostId, status: stored.status, attempt: stored.attempt });
      return stored;
    });
  }

  releaseOtherSessions(hostId: string, currentSession: string): Promise<number> {
    return withStoreErrors(async () => {
      const heldByOthers = (task: AgentTaskDocument): boolean =>
        task.hostId === hostId && (task.status === 'claimed' || task.status === 'running') && task.lease?.agentSession !== currentSession;
      const candidates = this.active.ofHost(hostId, ['claimed', 'running']).filter(heldByOthers);
      const released = await Promise.all(
        candidates.map((task) => this.writes.change(task._id, (current, ctx) => (heldByOthers(current) ? endSession(current, ctx) : undefined))),
      );
      const count = released.filter((task) => task !== undefined).length;
      if (count > 0) this.log.info({ event: 'tasks.session_released', hostId, agentSession: currentSession, released: count });
      return count;
    });
  }

  /** Expired leases among the held tasks of the view (loaded from the [status, lease.expiresAt] index). */
  requeueExpired(): Promise<AgentTaskDocument[]> {
    return withStoreErrors(async () => {
      const ctx = this.transitionContext();
      const expired = this.active.held().filter((task) => task.lease !== undefined && Date.parse(task.lease.expiresAt) < ctx.nowMs);
      // A conflict means someone wrote the task meanwhile (a renewal, another replica's sweep): skip it.
      const written = await Promise.all(expired.map((task) => this.writes.write(expireLease(task, ctx))));
      const changed = written.filter((task): task is StoredTask => task !== undefined).map(stripConflicts);
      for (const task of changed) {
        this.log.warn({ event: 'task.lease_expired', taskId: task['@id'], hostId: task.hostId, attempt: task.attempt, status: task.status });
      }
      return changed;
    });
  }

  cancel(id: string): Promise<AgentTaskDocument> {
    return withStoreErrors(async () => {
      const task = await this.writes.changeOrThrow(id, (current, ctx) => cancelTask(current, ctx));
      this.log.info({ event: 'task.cancelled', taskId: id, hostId: task.hostId });
      return task;
    });
  }

  retry(id: string): Promise<AgentTaskDocument> {
    return withStoreErrors(async () => {
      const task = await this.writes.changeOrThrow(id, (current) => retryTask(current));
      this.log.info({ event: 'task.retried', taskId: id, hostId: task.hostId });
      return task;
    });
  }

  cancelForStack(stackId: string): Promise<number> {
    return withStoreErrors(async () => {
      const unfinished = (await tasksOfStack(this.docs, stackId)).filter((task) => !isTerminalTaskStatus(task.status));
      const cancelled = await Promise.all(
        unfinished.map((task) =>
          // Finished in the meantime: nothing left to cancel.
          this.writes.change(task['@id'], (current, ctx) => (isTerminalTaskStatus(current.status) ? undefined : cancelTask(current, ctx))),
        ),
      );
      const count = cancelled.filter((task) => task !== undefined).length;
      this.log.info({ event: 'tasks.cancelled_for_stack', stackId, cancelled: count });
      return count;
    });
  }

  createManual(request: CreateTaskRequest): Promise<AgentTaskDocument> {
    return withStoreErrors(async () => {
      const nowMs = this.clock.now();
      // Two submits in the same millisecond: the second gets a suffix rather than vanishing.
      for (let n = 0; n < 10; n += 1) {
        const id = n === 0 ? manualTaskId(request, nowMs) : `${manualTaskId(request, nowMs)}-${n}`;
        const [task] = await this.docs.insertNew([buildManualTask(request, nowMs, id)]);
        if (task === undefined) continue;
        this.writes.remember(task as StoredTask);
        this.log.info({ event: 'task.created', taskId: id, hostId: task.hostId, taskType: task.taskType });
        return task;
      }
      throw new AppError('CONFLICT', 'too many identical manual tasks at the same instant');
    });
  }

  pendingClaims(): number {
    return this.held;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private transitionContext(): TransitionContext {
    return {
      nowMs: this.clock.now(),
      leaseSeconds: this.options.leaseSeconds ?? LEASE_SECONDS,
      random: this.options.random ?? Math.random,
      retryPolicy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    };
  }

  /** Every replica's writes, from the feed: into the view, wake-ups, listeners. */
  private applyChanges(docs: Record<string, unknown>[]): void {
    const conflicted: StoredTask[] = [];
    for (const doc of docs) {
      if (doc['_deleted'] === true) this.active.forget(String(doc['_id']));
      if (doc['@type'] !== 'AgentTask') continue; // design documents, deletions
      const stored = doc as unknown as StoredTask;
      if (stored._conflicts?.length) conflicted.push(stored);
      this.writes.remember(stored);
      const task = stripConflicts(stored);
      for (const listener of this.listeners) {
        try {
          listener(task);
        } catch (error) {
          this.log.error({ event: 'tasks.listener_failed', taskId: task['@id'], err: error });
        }
      }
    }
    // Any stored conflict, not only a claim's: the winner CouchDB reports stays, the losers go.
    if (conflicted.length > 0) {
      discardConflicts(this.docs, conflicted, this.log).catch((error: unknown) =>
        this.log.warn({ event: 'task.conflict.discard_failed', err: error }),
      );
    }
  }

  private sweepOnce(): void {
    if (this.sweeping !== undefined || this.stopped) return;
    this.sweeping = this.requeueExpired()
      .catch((error: unknown) => this.log.warn({ event: 'tasks.sweep_failed', err: error }))
      .finally(() => {
        this.sweeping = undefined;
      });
  }
}
