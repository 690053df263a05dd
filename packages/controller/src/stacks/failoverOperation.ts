/**
 * A failover operation as documents: the stack's next operation (same generation, action deploy), the
 * DeploymentState that records it, and its tasks. Pure; failover.ts decides when and writes them.
 *
 * Every container that is not stranded gets a deploy task of the new operation, built by the same code as a
 * deploy (deploymentPlan.ts): a moved one on its new host, the others on their own host, where the agent
 * adopts the running container when nothing about it changed (same spec and environment hashes) and replaces
 * it when its wiring did. So the dependents of a moved container get its new address (DESIGN.md §7), and only
 * they restart. A stranded container gets no task (its host is down); its dependents keep depending on its
 * last completed deploy of this generation, or are stranded with it when it never completed one.
 *
 * The tasks are a function of the recorded state (`failoverTasks`), so an operation whose tasks were cut short
 * is completed by building them again: deterministic ids make a second insert a no-op.
 */
import {
  isTerminalTaskStatus,
  type AgentTaskDocument,
  type CleanupRecord,
  type ContainerPlacement,
  type DeploymentStateDocument,
  type PlanExplanation,
  type FailoverState,
  type StackDocument,
  type StrandedContainer,
} from '@graphium/shared';
import { cleanupTaskId, cleanupTaskOf, deploymentDocuments, liveCleanups, stackTaskId, type TaskContext } from './deploymentPlan.js';
import type { FailoverAssessment } from './failoverAssessment.js';

/** The last deploy of a container that completed in this generation (any operation), if any. */
export function lastCompletedDeploy(history: readonly AgentTaskDocument[], generation: number, container: string): AgentTaskDocument | undefined {
  let best: AgentTaskDocument | undefined;
  for (const task of history) {
    if (task.taskType !== 'deploy' || task.cleanup === true || task.status !== 'completed') continue;
    if (task.generation !== generation || task.containerName !== container) continue;
    if (best === undefined || (task.operation ?? 0) > (best.operation ?? 0)) best = task;
  }
  return best;
}

/** Adds `dependency` entries for containers that wait on a stranded dependency that never ran; to a fixpoint. */
function strandDependents(
  stack: StackDocument,
  placements: Readonly<Record<string, ContainerPlacement>>,
  stranded: Record<string, StrandedContainer>,
  history: readonly AgentTaskDocument[],
): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const container of stack.definition.containers) {
      if (stranded[container.name] !== undefined) continue;
      const blocker = container.dependsOn.find(
        (d) => stranded[d.name] !== undefined && lastCompletedDeploy(history, stack.generation, d.name) === undefined,
      );
      if (blocker === undefined) continue;
      const on = stranded[blocker.name]!.hostId;
      stranded[container.name] = {
        hostId: placements[container.name]?.hostId ?? on,
        reason: 'dependency',
        dependency: blocker.name,
        message: `container "${container.name}" waits for "${blocker.name}", which stays on offline host "${on}" and has not run in this generation`,
      };
      changed = true;
    }
  }
}

export interface FailoverInput {
  stack: StackDocument;
  state: DeploymentStateDocument;
  assessment: FailoverAssessment;
  /** Current address of each host, by id (a host may have registered again at a new address). */
  addresses: ReadonlyMap<string, string>;
  /** Every task of the stack (TaskQueue.forStack). */
  history: readonly AgentTaskDocument[];
  /** Status of each recorded cleanup task, by id (absent: not found). */
  cleanupStatus: ReadonlyMap<string, AgentTaskDocument['status']>;
  /** ISO time. */
  now: string;
}

export type FailoverPlan =
  | {
      kind: 'operation';
      stack: StackDocument;
      state: DeploymentStateDocument;
      /** How each moved container was placed, to add to the stack's stored explanation. */
      explanation: PlanExplanation;
      moves: FailoverAssessment['moves'];
      recovered: string[];
    }
  /** Nothing can move after all (every mover waits on a stranded dependency): only the record changes. */
  | { kind: 'record'; stranded: Record<string, StrandedContainer> };

/** The next operation: moves, recovered containers and what stays, as the stack and state to write. */
export function failoverOperation(input: FailoverInput): FailoverPlan {
  const { stack, state, assessment, addresses, history, now } = input;
  const stranded: Record<string, StrandedContainer> = { ...assessment.stranded };
  // A mover that waits on a dependency that never ran stays where it is, stranded as a dependent.
  const keptOn: Record<string, ContainerPlacement> = { ...state.placements };
  strandDependents(stack, keptOn, stranded, history);
  const moves = Object.fromEntries(Object.entries(assessment.moves).filter(([name]) => stranded[name] === undefined));
  const recovered = assessment.recovered.filter((name) => stranded[name] === undefined);
  if (Object.keys(moves).length === 0 && recovered.length === 0) return { kind: 'record', stranded };

  const operation = stack.operation + 1;
  const deployId = (name: string) => stackTaskId(stack['@id'], stack.generation, operation, name, 'deploy');
  const placements: Record<string, ContainerPlacement> = {};
  for (const [name, old] of Object.entries(state.placements)) {
    const move = moves[name];
    if (stranded[name] !== undefined || old.status === 'removed') placements[name] = old;
    else if (move !== undefined) placements[name] = { hostId: move.hostId, hostAddress: move.hostAddress, ports: [], status: 'pending', taskId: deployId(name) };
    else {
      const { error: _error, ...kept } = old;
      placements[name] = { ...kept, hostAddress: addresses.get(old.hostId) ?? old.hostAddress, status: 'pending', taskId: deployId(name) };
    }
  }
  const moved = { ...(state.failover?.moved ?? {}) };
  const cleanups: CleanupRecord[] = liveCleanups(state.failover?.cleanups ?? [], input.cleanupStatus);
  for (const [name, move] of Object.entries(moves)) {
    moved[name] = { from: move.from, to: move.hostId, operation, at: now };
    cleanups.push({ taskId: cleanupTaskId(stack['@id'], stack.generation, operation, name), container: name, hostId: move.from, operation });
  }
  const failover: FailoverState = { stranded, moved, cleanups, operation };
  return {
    kind: 'operation',
    moves,
    recovered,
    stack: { ...stack, status: 'deploying', operation, action: 'deploy', errorMessage: undefined, dateModified: now },
    state: { ...state, status: 'deploying', phase: 'deploying', progress: 0, placements, failover, dateModified: now },
    explanation: Object.fromEntries(Object.entries(assessment.explanation).filter(([name]) => moves[name] !== undefined)),
  };
}

/**
 * The tasks of the failover operation `state` records (its `failover.operation`): deploys of every container
 * not stranded, the removals of left-behind copies it records (its own and any earlier one not finished or
 * never written; inserting an existing one is a no-op), and nothing for the stranded. `history` supplies the
 * stranded dependencies' last completed deploys; `cleanupStatus` which recorded removals are finished.
 */
export function failoverTasks(
  stack: StackDocument,
  state: DeploymentStateDocument,
  history: readonly AgentTaskDocument[],
  cleanupStatus: ReadonlyMap<string, AgentTaskDocument['status']>,
  now: string,
): AgentTaskDocument[] {
  const failover = state.failover;
  if (failover?.operation === undefined) return [];
  const operation = failover.operation;
  const ctx: TaskContext = { stackId: stack['@id'], stackName: stack.name, generation: stack.generation, operation, now };
  const stranded = failover.stranded;
  const placements = Object.fromEntries(
    Object.entries(state.placements).map(([name, p]) => [name, { hostId: p.hostId, hostAddress: p.hostAddress }]),
  );
  // A deploy waits for a removal of the same container on its host; the operation's own removals are on the
  // hosts it moved away from, where none of its deploys go.
  const cleanups = liveCleanups(failover.cleanups, cleanupStatus);
  const { tasks } = deploymentDocuments(
    stack.definition,
    { ok: true, strategy: state.strategy, seed: state.seed, explanation: {}, placements },
    ctx,
    {},
    cleanups,
  );
  // Stranded dependencies keep the task that last deployed them: completed, with its ports and health.
  const replacement = new Map<string, string>();
  for (const name of Object.keys(stranded)) {
    const last = lastCompletedDeploy(history, stack.generation, name);
    if (last !== undefined) replacement.set(stackTaskId(ctx.stackId, ctx.generation, operation, name, 'deploy'), last['@id']);
  }
  const swap = (id: string) => replacement.get(id) ?? id;
  const deploys = tasks
    .filter((task) => stranded[task.containerName] === undefined && state.placements[task.containerName]?.status !== 'removed')
    .map((task): AgentTaskDocument => {
      if (task.payload.kind !== 'deploy') return task;
      const pendingEndpoints = Object.fromEntries(
        Object.entries(task.payload.pendingEndpoints).map(([prefix, binding]) => [prefix, { ...binding, taskId: swap(binding.taskId) }]),
      );
      return {
        ...task,
        dependsOn: task.dependsOn.map(swap),
        dependsOnHealthy: task.dependsOnHealthy.map(swap),
        payload: { ...task.payload, pendingEndpoints },
      };
    });
  return [...deploys, ...cleanups.map((r) => cleanupTaskOf(ctx, r))];
}

/** Unfinished tasks of the stack that belong to an earlier operation: superseded by the failover operation. */
export function supersededTasks(history: readonly AgentTaskDocument[], generation: number, operation: number): AgentTaskDocument[] {
  return history.filter(
    (t) => t.cleanup !== true && !isTerminalTaskStatus(t.status) && !(t.generation === generation && (t.operation ?? 0) === operation),
  );
}

/**
 * What stays stranded when nothing moves: the assessment's, plus the dependents recorded before whose
 * dependency is still stranded (only an operation re-examines those, with the task history at hand).
 */
export function strandedWithoutMoves(state: DeploymentStateDocument, assessment: FailoverAssessment): Record<string, StrandedContainer> {
  const stranded: Record<string, StrandedContainer> = { ...assessment.stranded };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, entry] of Object.entries(state.failover?.stranded ?? {})) {
      if (entry.reason !== 'dependency' || stranded[name] !== undefined) continue;
      if (entry.dependency !== undefined && stranded[entry.dependency] !== undefined) {
        stranded[name] = entry;
        changed = true;
      }
    }
  }
  return stranded;
}

/** Equal stranded records (same containers, hosts, reasons and messages). */
export function sameStranded(a: Readonly<Record<string, StrandedContainer>>, b: Readonly<Record<string, StrandedContainer>>): boolean {
  const keys = Object.keys(a).sort();
  if (keys.join('\u0000') !== Object.keys(b).sort().join('\u0000')) return false;
  return keys.every((k) => {
    const [x, y] = [a[k]!, b[k]!];
    return x.hostId === y.hostId && x.reason === y.reason && x.dependency === y.dependency && x.message === y.message;
  });
}
