/**
 * An in-memory TaskQueue for fast unit tests of the routes and the stack service. It applies the same pure
 * pieces as CouchTaskQueue (transitions, claimability, long-poll, wake-ups, key paging) and the same
 * contract suite runs against both (test/queue/taskQueueContract.ts), so it cannot drift from the real
 * queue. Single process, no store: writes cannot conflict, and "the feed" is a microtask after each write.
 */
import { randomUUID } from 'node:crypto';
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
  type TaskStatus,
  type TaskStatusUpdate,
} from '@graphium/shared';
import { systemClock, type ClaimRequest, type Clock, type Page, type TaskQueue } from '../ports.js';
import { byAge, byQueueOrder } from './activeTasks.js';
import { assessClaim, dependencyIdsOf } from './claimability.js';
import { decodeCursor, encodeCursor, nextPosition, START } from './keyPaging.js';
import { longPoll, type ClaimAttempt } from './longPoll.js';
import { buildManualTask, manualTaskId } from './manualTask.js';
import { addToStats, emptyStats } from './taskStats.js';
import {
  applyReport,
  assertLeaseHolder,
  cancelTask,
  claimTask,
  endSession,
  expireLease,
  failForDependency,
  rehandTask,
  retryTask,
  type TransitionContext,
} from './transitions.js';
import { Wakeups } from './wakeups.js';

export interface MemoryTaskQueueOptions {
  /** Default: the system clock. */
  clock?: Clock;
  /** Draw in [0, 1) for retry jitter. Default Math.random. */
  random?: () => number;
  /** Default 60. */
  leaseSeconds?: number;
  /** How often start() runs the lease sweeper. Default 5,000 ms. */
  sweepIntervalMs?: number;
  retryPolicy?: RetryPolicy;
}

type Task = AgentTaskDocument;
type Listener = (task: Task) => void;


export class MemoryTaskQueue implements TaskQueue {
  private readonly tasks = new Map<string, Task>();
  private readonly listeners = new Set<Listener>();
  private readonly wakeups = new Wakeups();
  private readonly clock: Clock;
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private held = 0;

  constructor(private readonly options: MemoryTaskQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.wakeups.reopen();
    this.sweeper = setInterval(() => void this.requeueExpired(), this.options.sweepIntervalMs ?? 5_000);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.wakeups.close();
  }

  async insertMany(tasks: readonly Task[]): Promise<void> {
    for (const task of tasks) {
      if (!this.tasks.has(task['@id'])) this.put(agentTaskDocument.parse({ ...task, _rev: undefined }));
    }
  }

  async get(id: string): Promise<Task | undefined> {
    const task = this.tasks.get(id);
    return task === undefined ? undefined : structuredClone(task);
  }

  async list(query: TaskListQuery): Promise<Page<Task>> {
    const position = query.cursor === undefined ? START : decodeCursor(query.cursor);
    if (position === undefined) throw new AppError('BAD_REQUEST', 'unknown cursor: pass back the `next` of a previous page');
    const matching = [...this.tasks.values()]
      .filter((task) => (['hostId', 'stackId', 'status', 'taskType'] as const).every((f) => query[f] === undefined || task[f] === query[f]))
      .filter((task) => position.key === undefined || task.dateCreated <= position.key)
      .sort((a, b) => byAge(b, a))
      .slice(position.skip, position.skip + query.limit + 1);
    const items = matching.slice(0, query.limit).map((task) => structuredClone(task));
    if (matching.length <= query.limit) return { items };
    return { items, next: encodeCursor(nextPosition(position, items.map((task) => task.dateCreated))) };
  }

  async forStack(stackId: string): Promise<Task[]> {
    const prefix = `task:${stackId}:`;
    return [...this.tasks.values()].filter((task) => task['@id'].startsWith(prefix)).sort(byAge).map((task) => structuredClone(task));
  }

  claim(request: ClaimRequest): Promise<Task[]> {
    this.held += 1;
    return longPoll(request, {
      wakeups: this.wakeups,
      clock: this.clock,
      isStopped: () => this.stopped,
      attempt: async (req, rehand) => this.claimNow(req, rehand),
    }).finally(() => {
      this.held -= 1;
    });
  }

  async report(taskId: string, hostId: string, update: TaskStatusUpdate): Promise<Task> {
    const task = this.require(taskId);
    const ctx = this.transitionContext();
    assertLeaseHolder(task, hostId, update.leaseToken, ctx.nowMs);
    return this.put(applyReport(task, update, ctx));
  }

  async releaseOtherSessions(hostId: string, currentSession: string): Promise<number> {
    const ctx = this.transitionContext();
    const held = this.ofHost(hostId, ['claimed', 'running']).filter((task) => task.lease?.agentSession !== currentSession);
    for (const task of held) this.put(endSession(task, ctx));
    return held.length;
  }

  async requeueExpired(): Promise<Task[]> {
    const ctx = this.transitionContext();
    const expired = [...this.tasks.values()].filter(
      (task) => (task.status === 'claimed' || task.status === 'running') && task.lease !== undefined && Date.parse(task.lease.expiresAt) < ctx.nowMs,
    );
    return expired.map((task) => this.put(expireLease(task, ctx)));
  }

  async cancel(id: string): Promise<Task> {
    return this.put(cancelTask(this.require(id), this.transitionContext()));
  }

  async retry(id: string): Promise<Task> {
    return this.put(retryTask(this.require(id)));
  }

  async cancelForStack(stackId: string): Promise<number> {
    const ctx = this.transitionContext();
    const unfinished = [...this.tasks.values()].filter((task) => task.stackId === stackId && !isTerminalTaskStatus(task.status));
    for (const task of unfinished) this.put(cancelTask(task, ctx));
    return unfinished.length;
  }

  async createManual(request: CreateTaskRequest): Promise<Task> {
    const nowMs = this.clock.now();
    let id = manualTaskId(request, nowMs);
    for (let n = 1; this.tasks.has(id); n += 1) id = `${manualTaskId(request, nowMs)}-${n}`;
    return this.put(buildManualTask(request, nowMs, id));
  }

  async stats(): Promise<TaskStatsResponse> {
    const stats = emptyStats();
    for (const task of this.tasks.values()) addToStats(stats, task.status, task.taskType, task.hostId, 1);
    return stats;
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

  /** Same order of work as claimNext.ts: re-hand, then candidates in queue order. */
  private claimNow(request: ClaimRequest, rehand: boolean): ClaimAttempt {
    const ctx = this.transitionContext();
    const claimed: Task[] = [];
    const holding = new Set(request.holding);
    for (const task of rehand ? this.ofHost(request.hostId, ['claimed']) : []) {
      if (claimed.length >= request.max) break;
      if (task.lease?.agentSession !== request.agentSession || holding.has(task['@id'])) continue;
      claimed.push(this.put(rehandTask(task, ctx, randomUUID())));
    }
    let retryAt: number | undefined;
    for (const task of this.ofHost(request.hostId, ['pending'])) {
      if (claimed.length >= request.max) break;
      const dependencies = new Map(dependencyIdsOf(task).flatMap((id) => this.tasks.get(id) ?? []).map((dep) => [dep['@id'], dep]));
      const assessment = assessClaim(task, dependencies, ctx.nowMs);
      if (assessment.kind === 'dependencyFailed') this.put(failForDependency(task, assessment.error, ctx));
      if (assessment.kind === 'waiting' && assessment.notBefore !== undefined) retryAt = Math.min(retryAt ?? Infinity, assessment.notBefore);
      if (assessment.kind === 'claimable') {
        const grant = { token: randomUUID(), agentSession: request.agentSession, injectedEnv: assessment.injectedEnv };
        claimed.push(this.put(claimTask(task, ctx, grant)));
      }
    }
    return { tasks: claimed, retryAt };
  }

  private ofHost(hostId: string, statuses: readonly TaskStatus[]): Task[] {
    return [...this.tasks.values()].filter((task) => task.hostId === hostId && statuses.includes(task.status)).sort(byQueueOrder);
  }

  private require(id: string): Task {
    const task = this.tasks.get(id);
    if (task === undefined) throw new AppError('NOT_FOUND', `no task ${id}`);
    return task;
  }

  /** Stores a new revision, wakes whoever it concerns, tells listeners (after the current microtask). */
  private put(task: Task): Task {
    const generation = Number.parseInt(task._rev ?? '0', 10) + 1;
    const stored: Task = { ...task, _id: task['@id'], _rev: `${generation}-memory` };
    this.tasks.set(stored['@id'], stored);
    if (stored.status === 'pending') this.wakeups.wake(stored.hostId);
    else if (isTerminalTaskStatus(stored.status)) for (const host of stored.wakeHosts) this.wakeups.wake(host);
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(structuredClone(stored));
    });
    return structuredClone(stored);
  }

  private transitionContext(): TransitionContext {
    return {
      nowMs: this.clock.now(),
      leaseSeconds: this.options.leaseSeconds ?? LEASE_SECONDS,
      random: this.options.random ?? Math.random,
      retryPolicy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    };
  }
}
