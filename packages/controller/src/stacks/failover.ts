/**
 * Failover of one stack (DESIGN.md §10): reads the stack, its deployment state, the fleet and — when
 * something moves — its task history, asks the pure planners what to do (failoverAssessment.ts,
 * failoverOperation.ts) and writes it. failoverSweep.ts decides which stacks to look at.
 *
 * Several replicas may look at one stack at once. The stack document is the lock: the next operation is taken
 * by one conditional write of it, and a replica that loses (CONFLICT) stops there, so a container moves once.
 * Then the state records the operation (re-written on a fresh read if the monitor wrote it meanwhile, as long
 * as the stack still names this operation), then the tasks go in (deterministic ids: a second insert is a
 * no-op), then the events (dedupe keys). If a write after the lock fails, nothing is left half-hidden: an
 * operation the state recorded but whose tasks are missing is completed from the state (`repair`), and one
 * the state never recorded leaves the placements on the offline host, where the next sweep finds them and
 * takes the next operation. Meanwhile the monitor never reports a container with no task as done.
 */
import {
  AppError,
  hostSnapshotOf,
  placementExplanationOf,
  type AgentTaskDocument,
  type CleanupRecord,
  type DeploymentStateDocument,
  type PlanExplanation,
  type StackDocument,
  type StrandedContainer,
} from '@graphium/shared';
import type { Logger } from 'pino';
import type { Clock, EventLog, HostRegistry, NewEvent, TaskQueue } from '../ports.js';
import { assessFailover } from './failoverAssessment.js';
import {
  failoverOperation,
  failoverTasks,
  sameStranded,
  strandedWithoutMoves,
  supersededTasks,
  type FailoverPlan,
} from './failoverOperation.js';
import type { StackMonitor } from './stackMonitor.js';
import type { StackRepository } from './stackRepository.js';

export interface StackFailoverDeps {
  repository: StackRepository;
  queue: TaskQueue;
  hosts: Pick<HostRegistry, 'list'>;
  events: EventLog;
  monitor: Pick<StackMonitor, 'refresh'>;
  clock: Clock;
  log: Logger;
}

/**
 * - none: nothing to do (not eligible, or nothing on an offline host); unchanged: the stranded record holds;
 * - recorded: stranded containers recorded (the stack goes degraded); moved: a new operation was started;
 * - lost: another replica (or the API) changed the stack first; gone: the stack no longer exists.
 */
export type FailoverOutcome = 'none' | 'unchanged' | 'recorded' | 'moved' | 'lost' | 'gone';

export interface ReconcileOptions {
  /** Also complete a failover operation whose tasks may be missing (after a failed or interrupted write). */
  repair?: boolean;
}

const isCode = (error: unknown, ...codes: string[]) => error instanceof AppError && codes.includes(error.code);

export class StackFailover {
  constructor(private readonly deps: StackFailoverDeps) {}

  /** Looks at one stack and moves, records or repairs what failover owes it. Store errors are thrown. */
  async reconcile(stackId: string, options: ReconcileOptions = {}): Promise<FailoverOutcome> {
    const { repository, queue, hosts } = this.deps;
    const stack = await repository.getStack(stackId);
    if (stack === undefined) return 'gone';
    const state = await repository.getState(stackId);
    if (state === undefined) return 'none';
    if (options.repair === true && this.inFailoverOperation(stack, state)) await this.writeTasks(stack, state);

    const fleet = await hosts.list();
    const assessment = assessFailover({ stack, state, hosts: fleet.map(hostSnapshotOf) });
    if (!assessment.eligible) return 'none';
    if (Object.keys(assessment.moves).length === 0 && assessment.recovered.length === 0) {
      return this.record(stack, state, strandedWithoutMoves(state, assessment));
    }
    const history = await queue.forStack(stackId);
    const cleanupStatus = await this.cleanupStatus(state.failover?.cleanups ?? []);
    const planned = failoverOperation({
      stack,
      state,
      assessment,
      addresses: new Map(fleet.map((h) => [h.hostId, h.address])),
      history,
      cleanupStatus,
      now: this.isoNow(),
    });
    if (planned.kind === 'record') return this.record(stack, state, planned.stranded);
    return this.begin(planned, history, cleanupStatus);
  }

  private inFailoverOperation(stack: StackDocument, state: DeploymentStateDocument): boolean {
    return stack.status === 'deploying' && state.generation === stack.generation && state.failover?.operation === stack.operation;
  }

  /** Stranded containers changed, nothing moves: record them; the monitor turns the stack degraded. */
  private async record(stack: StackDocument, state: DeploymentStateDocument, stranded: Record<string, StrandedContainer>): Promise<FailoverOutcome> {
    if (sameStranded(state.failover?.stranded ?? {}, stranded)) return 'unchanged';
    const failover = { moved: {}, cleanups: [], ...state.failover, stranded };
    try {
      await this.deps.repository.save({ ...state, failover, dateModified: this.isoNow() });
    } catch (error) {
      // The monitor or another replica wrote the state first: the next sweep looks again.
      if (!isCode(error, 'CONFLICT')) throw error;
      return 'lost';
    }
    this.deps.log.warn({
      event: 'stack.failover_stranded',
      stackId: stack['@id'],
      stranded: Object.fromEntries(Object.entries(stranded).map(([name, s]) => [name, { hostId: s.hostId, reason: s.reason }])),
    });
    await this.deps.monitor.refresh(stack['@id']);
    return 'recorded';
  }

  private async begin(
    planned: Extract<FailoverPlan, { kind: 'operation' }>,
    history: readonly AgentTaskDocument[],
    cleanupStatus: ReadonlyMap<string, AgentTaskDocument['status']>,
  ): Promise<FailoverOutcome> {
    const { repository, log } = this.deps;
    const stackId = planned.stack['@id'];
    let stack: StackDocument;
    try {
      stack = await repository.save(planned.stack);
    } catch (error) {
      if (!isCode(error, 'CONFLICT')) throw error;
      log.debug({ event: 'stack.failover_lost', stackId, operation: planned.stack.operation });
      return 'lost';
    }
    const state = await repository.saveStateFor(stack, planned.state);
    await this.writeTasks(stack, state, history, cleanupStatus);
    await this.explain(stack, planned.explanation);
    await this.announce(stack, planned);
    log.info({
      event: 'stack.failover',
      stackId,
      generation: stack.generation,
      operation: stack.operation,
      moved: Object.fromEntries(Object.entries(planned.moves).map(([name, m]) => [name, { from: m.from, to: m.hostId }])),
      recovered: planned.recovered,
      stranded: Object.keys(state.failover?.stranded ?? {}),
    });
    return 'moved';
  }

  /** Cancels what the operation supersedes and writes its tasks (again: existing ids are left alone). */
  private async writeTasks(
    stack: StackDocument,
    state: DeploymentStateDocument,
    known?: readonly AgentTaskDocument[],
    knownCleanups?: ReadonlyMap<string, AgentTaskDocument['status']>,
  ): Promise<void> {
    const { queue } = this.deps;
    const history = known ?? (await queue.forStack(stack['@id']));
    const cleanupStatus = knownCleanups ?? (await this.cleanupStatus(state.failover?.cleanups ?? []));
    await Promise.all(
      supersededTasks(history, stack.generation, stack.operation).map((task) =>
        // Finished or gone meanwhile: nothing left to cancel.
        queue.cancel(task['@id']).catch((error: unknown) => {
          if (!isCode(error, 'CONFLICT', 'NOT_FOUND')) throw error;
        }),
      ),
    );
    await queue.insertMany(failoverTasks(stack, state, history, cleanupStatus, this.isoNow()));
  }

  private async cleanupStatus(records: readonly CleanupRecord[]): Promise<Map<string, AgentTaskDocument['status']>> {
    const found = await Promise.all(records.map((r) => this.deps.queue.get(r.taskId)));
    return new Map(found.flatMap((task) => (task === undefined ? [] : [[task['@id'], task.status] as const])));
  }

  /** Adds how the moved containers were placed to the stack's explanation; failing to does not undo the move. */
  private async explain(stack: StackDocument, explanation: PlanExplanation): Promise<void> {
    if (Object.keys(explanation).length === 0) return;
    const doc = placementExplanationOf({ stackId: stack['@id'], generation: stack.generation, explanation, dateModified: this.isoNow() });
    await this.deps.repository.mergeExplanation(doc).catch((error: unknown) => {
      this.deps.log.warn({ event: 'stack.explanation_not_written', stackId: stack['@id'], err: error });
    });
  }

  /** One stack_failover event, one container_moved per move; failing to record them does not undo the move. */
  private async announce(stack: StackDocument, planned: Extract<FailoverPlan, { kind: 'operation' }>): Promise<void> {
    const stackId = stack['@id'];
    const key = `${stackId}:${stack.generation}:${stack.operation}`;
    const moves = Object.entries(planned.moves).map(([container, m]) => ({ container, from: m.from, to: m.hostId }));
    const stranded = planned.state.failover?.stranded ?? {};
    const parts = [
      ...(moves.length === 0
        ? []
        : [`moving off offline host${new Set(moves.map((m) => m.from)).size === 1 ? '' : 's'}: ${moves.map((m) => `${m.container} ${m.from} → ${m.to}`).join(', ')}`]),
      ...(planned.recovered.length === 0 ? [] : [`deploying again where their hosts are back: ${planned.recovered.join(', ')}`]),
      ...(Object.keys(stranded).length === 0 ? [] : [`staying: ${Object.keys(stranded).sort().join(', ')}`]),
    ];
    const events: NewEvent[] = [
      {
        type: 'stack_failover',
        stackId,
        message: `stack "${stack.name}" failover, operation ${stack.operation}: ${parts.join('; ')}`,
        data: { generation: stack.generation, operation: stack.operation, moves, recovered: planned.recovered, stranded },
        dedupeKey: `${key}:failover`,
      },
      ...moves.map(
        (m): NewEvent => ({
          type: 'container_moved',
          stackId,
          hostId: m.from,
          message: `container "${m.container}" of stack "${stack.name}" moved from offline host "${m.from}" to "${m.to}"`,
          data: { ...m, generation: stack.generation, operation: stack.operation },
          dedupeKey: `${key}:${m.container}:moved`,
        }),
      ),
    ];
    for (const event of events) {
      await this.deps.events.publish(event).catch((error: unknown) =>
        this.deps.log.warn({ event: 'events.publish_failed', type: event.type, stackId, err: error }),
      );
    }
  }

  private isoNow(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
