/**
 * Moves every stack along as its tasks report: status, progress and per-container placements, the events
 * that say so, and — when every removal of a deleted stack finished — the removal of the stack's metadata
 * (the deletion monitor). It reacts to task changes from the tasks `_changes` feed, so whichever replica
 * received an agent's report, every replica converges; writes are conditional and events carry dedupe keys,
 * so two replicas doing the same work store it once.
 */
import type { AgentTaskDocument, DeploymentPhase, EventType, StackAction, StackStatus } from '@graphium/shared';
import type { Logger } from 'pino';
import type { Clock, EventLog, TaskQueue } from '../ports.js';
import { AppError } from '@graphium/shared';
import type { StackRepository } from './stackRepository.js';
import { stackProgressOf } from './stackStatus.js';
import { StackTasks } from './stackTasks.js';

export interface StackMonitorDeps {
  repository: StackRepository;
  queue: TaskQueue;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Task changes of one stack arriving within this window are handled together. Default 250 ms. */
  debounceMs?: number;
}

const SETTLED_EVENT: Partial<Record<StackStatus | 'deleted', EventType>> = {
  running: 'stack_running',
  stopped: 'stack_stopped',
  error: 'stack_error',
  degraded: 'stack_degraded',
  deleted: 'stack_deleted',
};

/** Nothing moves a settled stack on but a new operation (a degraded one: failover's next operation). */
const SETTLED = new Set<StackStatus | 'deleted'>(['running', 'degraded', 'stopped', 'error', 'deleted']);

const ACTION_PHASE = { deploy: 'deploying', stop: 'stopping', start: 'starting', remove: 'deleting' } as const;

function phaseOf(action: StackAction, status: StackStatus): DeploymentPhase {
  return status === 'running' || status === 'degraded' || status === 'stopped' || status === 'error' ? 'settled' : ACTION_PHASE[action];
}

export class StackMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** One refresh per stack at a time; a change during a refresh schedules one more. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** The followed stacks' tasks, from the feed (read from the store once per stack). */
  private readonly tasks: StackTasks;

  constructor(private readonly deps: StackMonitorDeps) {
    this.tasks = new StackTasks((stackId) => deps.queue.forStack(stackId));
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = this.deps.queue.onChange((task) => this.onTask(task));
    // Catch up with whatever changed while no controller was watching.
    for (const stack of await this.deps.repository.unsettled()) this.schedule(stack['@id']);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private onTask(task: AgentTaskDocument): void {
    if (task.stackId === undefined) return;
    this.tasks.follow(task.stackId);
    this.tasks.observe(task);
    void this.deps.events
      .publish({
        type: 'task_updated',
        stackId: task.stackId,
        hostId: task.hostId,
        taskId: task['@id'],
        message: `${task.taskType} ${task.containerName} on ${task.hostId}: ${task.status}`,
        data: {
          taskType: task.taskType,
          status: task.status,
          containerName: task.containerName,
          attempt: task.attempt,
          ...(task.progress === undefined ? {} : { progress: task.progress }),
          ...(task.error === undefined ? {} : { error: task.error }),
        },
        dedupeKey: `${task['@id']}:${task._rev ?? task.status}`,
      })
      .catch((error: unknown) => this.deps.log.warn({ event: 'events.publish_failed', err: error }));
    this.schedule(task.stackId);
  }

  private schedule(stackId: string): void {
    if (this.stopped || this.timers.has(stackId)) return;
    this.tasks.follow(stackId);
    const timer = setTimeout(() => {
      this.timers.delete(stackId);
      void this.refresh(stackId);
    }, this.deps.debounceMs ?? 250);
    timer.unref();
    this.timers.set(stackId, timer);
  }

  /** Recomputes one stack from its tasks now. Serialized per stack. */
  async refresh(stackId: string): Promise<void> {
    const current = this.running.get(stackId);
    if (current !== undefined) {
      this.dirty.add(stackId);
      return current;
    }
    const work = this.recompute(stackId)
      .catch((error: unknown) => {
        // A conflict means another replica (or the API) wrote first: look again with fresh documents.
        if (error instanceof AppError && error.code === 'CONFLICT') this.dirty.add(stackId);
        else this.deps.log.error({ event: 'stack.refresh_failed', stackId, err: error });
      })
      .finally(() => {
        this.running.delete(stackId);
        if (this.dirty.delete(stackId)) this.schedule(stackId);
      });
    this.running.set(stackId, work);
    return work;
  }

  private async recompute(stackId: string): Promise<void> {
    const { repository, events, clock, log } = this.deps;
    const stack = await repository.getStack(stackId);
    if (stack === undefined) {
      this.tasks.forget(stackId);
      return;
    }
    const state = await repository.getState(stackId);
    // Cleanup tasks (failover's removals of left-behind copies) belong to no operation's progress.
    const tasks = (await this.tasks.tasksOf(stackId)).filter(
      (t) => t.cleanup !== true && t.generation === stack.generation && (t.operation ?? 0) === stack.operation,
    );
    const stranded = state?.generation === stack.generation ? (state.failover?.stranded ?? {}) : {};
    const progress = stackProgressOf(stack.action, tasks, state?.placements ?? {}, stranded);
    const now = new Date(clock.now()).toISOString();
    const dedupeKey = `${stackId}:${stack.generation}:${stack.operation}:${progress.status}`;

    // A settled stack is no longer followed; a later change to its tasks starts following it again.
    if (SETTLED.has(progress.status) && !this.timers.has(stackId)) this.tasks.forget(stackId);

    if (progress.status === 'deleted') {
      if (state !== undefined) await repository.delete(state);
      await repository.deleteExplanation(stackId);
      await repository.delete(stack);
      await events.publish({ type: 'stack_deleted', stackId, message: `stack "${stack.name}" deleted`, dedupeKey });
      log.info({ event: 'stack.deleted', stackId });
      return;
    }

    if (state !== undefined) {
      const changed =
        state.status !== progress.status ||
        state.progress !== progress.progress ||
        state.phase !== phaseOf(stack.action, progress.status) ||
        JSON.stringify(state.placements) !== JSON.stringify(progress.placements);
      if (changed) {
        await repository.save({
          ...state,
          status: progress.status,
          progress: progress.progress,
          phase: phaseOf(stack.action, progress.status),
          placements: progress.placements,
          dateModified: now,
        });
      }
    }
    if (stack.status !== progress.status || stack.errorMessage !== progress.errorMessage) {
      await repository.save({ ...stack, status: progress.status, errorMessage: progress.errorMessage, dateModified: now });
      const type = SETTLED_EVENT[progress.status];
      if (type !== undefined) {
        await events.publish({
          type,
          stackId,
          message: progress.errorMessage ?? `stack "${stack.name}" is ${progress.status}`,
          data: { generation: stack.generation, progress: progress.progress },
          dedupeKey,
        });
      }
      log.info({ event: 'stack.status', stackId, status: progress.status, progress: progress.progress });
    }
  }
}
