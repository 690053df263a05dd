/**
 * Turns a placement into the documents that carry it out: one deploy task per container (dependency order
 * expressed as `dependsOn` task ids, cross-host endpoints injected), removal of containers a redeploy moves
 * or drops, and the DeploymentState and placement explanation the stack page shows. Pure: the caller passes
 * time and ids in.
 *
 * Cleanup tasks (failover.ts) remove the copy a container left on a host it moved away from. A deploy onto a
 * host where such a removal has not finished yet waits for it (`dependsOn`): the removal goes by container
 * name, and must not take the new container with it.
 */
import {
  deploymentStateIdOf,
  isTerminalTaskStatus,
  placementExplanationOf,
  queueKeyOf,
  TASK_PRIORITY,
  wireDependencies,
  type AgentTaskDocument,
  type CleanupRecord,
  type ContainerPlacement,
  type ContainerSpec,
  type DeploymentStateDocument,
  type PlacementExplanationDocument,
  type PlanResult,
  type StackSpec,
  type TaskType,
  GRAPHIUM_CONTEXT,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TASK_TIMEOUT_SECONDS,
} from '@graphium/shared';
import { specHashOf } from './specHash.js';

type SuccessfulPlan = Extract<PlanResult, { ok: true }>;

/** `task:{stackId}:{generation}:{container}:{type}`, plus `:{operation}` for the operations after the deploy. */
export function stackTaskId(stackId: string, generation: number, operation: number, container: string, type: TaskType): string {
  const base = `task:${stackId}:${generation}:${container}:${type}`;
  return operation === 0 ? base : `${base}:${operation}`;
}

/**
 * `cleanup:{stackId}:{generation}:{operation}:{container}`: outside the stack's `task:{stackId}:` range on
 * purpose, so a later redeploy, stop or delete (which cancel that range) leaves it waiting for its host.
 */
export function cleanupTaskId(stackId: string, generation: number, operation: number, container: string): string {
  return `cleanup:${stackId}:${generation}:${operation}:${container}`;
}

/** Docker container name on the host. */
export function dockerNameOf(stackName: string, container: string): string {
  return `${stackName}-${container}`;
}

export interface TaskContext {
  stackId: string;
  stackName: string;
  generation: number;
  operation: number;
  /** ISO time of creation. */
  now: string;
}

function baseTask(ctx: TaskContext, type: TaskType, container: string, hostId: string) {
  const priority = TASK_PRIORITY[type];
  const id = stackTaskId(ctx.stackId, ctx.generation, ctx.operation, container, type);
  return {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'AgentTask' as const,
    '@id': id,
    _id: id,
    taskType: type,
    status: 'pending' as const,
    hostId,
    stackId: ctx.stackId,
    generation: ctx.generation,
    operation: ctx.operation,
    containerName: container,
    priority,
    queueKey: queueKeyOf(priority, ctx.now),
    dependsOn: [],
    dependsOnHealthy: [],
    wakeHosts: [],
    attempt: 0,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    timeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS,
    dateCreated: ctx.now,
  };
}

/** A stop, start, restart or remove task for a container already placed on a host. */
export function targetTask(ctx: TaskContext, type: Exclude<TaskType, 'deploy'>, container: string, hostId: string): AgentTaskDocument {
  return {
    ...baseTask(ctx, type, container, hostId),
    payload: { kind: 'target', containerName: dockerNameOf(ctx.stackName, container), stopTimeoutSeconds: 10 },
  };
}

/** The removal a cleanup record stands for, with the record's id (priority 7, like every removal). */
export function cleanupTaskOf(ctx: TaskContext, record: CleanupRecord): AgentTaskDocument {
  return { ...targetTask(ctx, 'remove', record.container, record.hostId), '@id': record.taskId, _id: record.taskId, cleanup: true };
}

/**
 * Cleanups that may still have work to do: their task is pending, claimed or running, or was never written
 * (absent from `statusOf`: an operation cut short after recording it). Finished ones are done with.
 */
export function liveCleanups(records: readonly CleanupRecord[], statusOf: ReadonlyMap<string, AgentTaskDocument['status']>): CleanupRecord[] {
  return records.filter((r) => {
    const status = statusOf.get(r.taskId);
    return status === undefined || !isTerminalTaskStatus(status);
  });
}

export interface DeploymentDocuments {
  tasks: AgentTaskDocument[];
  state: DeploymentStateDocument;
  /** The plan's explanation, stored beside the state. */
  explanation: PlacementExplanationDocument;
}

/**
 * Deploy tasks for every container of the plan, and remove tasks for containers of the previous generation
 * that the new one drops or moves to another host (a container kept on its host is replaced in place by its
 * deploy task: the agent sees a different spec hash).
 */
export function deploymentDocuments(
  spec: StackSpec,
  plan: SuccessfulPlan,
  ctx: TaskContext,
  previous: Readonly<Record<string, ContainerPlacement>> = {},
  /** Live cleanups (see the header): deploys onto their host wait for them; the state keeps them. */
  cleanups: readonly CleanupRecord[] = [],
): DeploymentDocuments {
  const byName = new Map(spec.containers.map((c) => [c.name, c]));
  const placementOf = (name: string) => plan.placements[name];
  const deployId = (name: string) => stackTaskId(ctx.stackId, ctx.generation, ctx.operation, name, 'deploy');
  const dependents = new Map<string, Set<string>>();
  for (const container of spec.containers) {
    for (const dependency of container.dependsOn) {
      const hosts = dependents.get(dependency.name) ?? new Set<string>();
      hosts.add(placementOf(container.name)!.hostId);
      dependents.set(dependency.name, hosts);
    }
  }

  const tasks: AgentTaskDocument[] = spec.containers.map((container) => {
    const placement = placementOf(container.name)!;
    const wiring = wireDependencies(container, byName, (name) => placementOf(name)?.hostAddress);
    const pendingEndpoints = Object.fromEntries(
      Object.entries(wiring.pending).map(([prefix, endpoint]) => [
        prefix,
        { ...endpoint, hostAddress: placementOf(endpoint.container)!.hostAddress, taskId: deployId(endpoint.container) },
      ]),
    );
    const labels = {
      'graphium.stack': ctx.stackName,
      'graphium.container': container.name,
      'graphium.generation': String(ctx.generation),
    };
    const network = spec.network?.name;
    const hashed = { container, injectedEnv: wiring.injected, pending: Object.keys(pendingEndpoints).sort(), network, labels };
    const cleanupsFirst = cleanups.filter((r) => r.container === container.name && r.hostId === placement.hostId).map((r) => r.taskId);
    return {
      ...baseTask(ctx, 'deploy', container.name, placement.hostId),
      dependsOn: [...container.dependsOn.map((d) => deployId(d.name)), ...cleanupsFirst],
      dependsOnHealthy: container.dependsOn.filter((d) => d.condition === 'healthy').map((d) => deployId(d.name)),
      wakeHosts: [...(dependents.get(container.name) ?? [])].sort(),
      payload: {
        kind: 'deploy' as const,
        containerName: dockerNameOf(ctx.stackName, container.name),
        containerSpec: container,
        pullPolicy: 'if-not-present' as const,
        labels,
        ...(network === undefined ? {} : { network }),
        injectedEnv: wiring.injected,
        pendingEndpoints,
        specHash: specHashOf(hashed),
      },
    };
  });

  for (const [name, old] of Object.entries(previous)) {
    if (old.status === 'removed') continue;
    const next = placementOf(name);
    if (next !== undefined && next.hostId === old.hostId) continue;
    tasks.push(targetTask(ctx, 'remove', name, old.hostId));
  }

  const placements: Record<string, ContainerPlacement> = Object.fromEntries(
    spec.containers.map((container: ContainerSpec) => {
      const placement = placementOf(container.name)!;
      return [
        container.name,
        { hostId: placement.hostId, hostAddress: placement.hostAddress, ports: [], status: 'pending', taskId: deployId(container.name) },
      ];
    }),
  );
  const stateId = deploymentStateIdOf(ctx.stackId);
  const state: DeploymentStateDocument = {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'DeploymentState',
    '@id': stateId,
    _id: stateId,
    stackId: ctx.stackId,
    generation: ctx.generation,
    status: 'deploying',
    phase: 'deploying',
    progress: 0,
    strategy: plan.strategy,
    seed: plan.seed,
    placements,
    ...(cleanups.length === 0 ? {} : { failover: { stranded: {}, moved: {}, cleanups: [...cleanups] } }),
    dateModified: ctx.now,
  };
  const explanation = placementExplanationOf({ stackId: ctx.stackId, generation: ctx.generation, explanation: plan.explanation, dateModified: ctx.now });
  return { tasks, state, explanation };
}
