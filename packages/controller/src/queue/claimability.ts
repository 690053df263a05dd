/**
 * Whether a pending task may be claimed now, given its dependencies' documents. Pure, shared by both queue
 * implementations. A task waits while its dependencies run, its back-off lasts, or a dependency's port is
 * not known yet; it fails at once (DEPENDENCY_FAILED, permanent) when waiting could only last for ever.
 */
import { resolvePendingEndpoints, type AgentTaskDocument, type TaskError } from '@graphium/shared';

export type ClaimAssessment =
  | { kind: 'claimable'; injectedEnv?: Record<string, string> | undefined }
  /** `notBefore` (ms) when the back-off is what it waits for: the long-poll wakes itself then. */
  | { kind: 'waiting'; notBefore?: number | undefined }
  | { kind: 'dependencyFailed'; error: TaskError };

/** Every task whose document the assessment reads: `dependsOn` and the tasks behind pending endpoints. */
export function dependencyIdsOf(task: AgentTaskDocument): string[] {
  const ids = new Set(task.dependsOn);
  if (task.payload.kind === 'deploy') {
    for (const binding of Object.values(task.payload.pendingEndpoints)) ids.add(binding.taskId);
  }
  return [...ids];
}

function dependencyFailed(message: string): ClaimAssessment {
  return { kind: 'dependencyFailed', error: { code: 'DEPENDENCY_FAILED', message, retryable: false } };
}

export function assessClaim(
  task: AgentTaskDocument,
  dependencies: ReadonlyMap<string, AgentTaskDocument>,
  nowMs: number,
): ClaimAssessment {
  const mustBeHealthy = new Set(task.dependsOnHealthy);
  // Failure first: a dependent of a failed task fails now, not after its own back-off.
  for (const id of task.dependsOn) {
    const dependency = dependencies.get(id);
    if (dependency === undefined) continue;
    if (dependency.status === 'failed' || dependency.status === 'cancelled') {
      return dependencyFailed(`dependency ${id} ${dependency.status}`);
    }
    // A completed task never changes again: if it did not report healthy, it never will.
    if (dependency.status === 'completed' && mustBeHealthy.has(id) && dependency.result?.healthy !== true) {
      return dependencyFailed(`dependency ${id} completed without reporting healthy`);
    }
  }
  if (task.notBefore !== undefined) {
    const notBefore = Date.parse(task.notBefore);
    if (notBefore > nowMs) return { kind: 'waiting', notBefore };
  }
  // A dependency not found is waited for: it may be a task of the same plan not yet visible to this read.
  if (task.dependsOn.some((id) => dependencies.get(id)?.status !== 'completed')) return { kind: 'waiting' };
  if (task.payload.kind !== 'deploy') return { kind: 'claimable' };
  return assessEndpoints(task.payload.pendingEndpoints, dependencies);
}

type Bindings = Extract<AgentTaskDocument['payload'], { kind: 'deploy' }>['pendingEndpoints'];

/** Fills in the ports dependencies published (DESIGN.md §7); unresolved while a dependency has not finished. */
function assessEndpoints(bindings: Bindings, dependencies: ReadonlyMap<string, AgentTaskDocument>): ClaimAssessment {
  const entries = Object.values(bindings);
  if (entries.length === 0) return { kind: 'claimable' };
  const bindingOf = new Map(entries.map((binding) => [binding.container, binding]));
  const { injected, unresolved } = resolvePendingEndpoints(bindings, (container) => {
    const binding = bindingOf.get(container);
    const dependency = binding === undefined ? undefined : dependencies.get(binding.taskId);
    if (binding === undefined || dependency?.status !== 'completed') return undefined;
    return { hostAddress: binding.hostAddress, ports: dependency.result?.ports ?? [] };
  });
  if (unresolved.length === 0) return { kind: 'claimable', injectedEnv: injected };
  const finishedWithout = unresolved.find((container) => {
    const binding = bindingOf.get(container);
    const status = binding === undefined ? undefined : dependencies.get(binding.taskId)?.status;
    return status !== undefined && status !== 'pending' && status !== 'claimed' && status !== 'running';
  });
  if (finishedWithout !== undefined) {
    const binding = bindingOf.get(finishedWithout);
    return dependencyFailed(
      `dependency ${finishedWithout} finished without publishing container port ${binding?.containerPort ?? '?'}`,
    );
  }
  return { kind: 'waiting' };
}
