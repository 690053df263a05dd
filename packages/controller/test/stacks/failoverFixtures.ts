/**
 * Stacks as failover finds them: deployed on a layout the test chooses (container → host), every deploy task
 * completed and every container running. Built with the same deploymentDocuments the stack service uses.
 */
import {
  GRAPHIUM_CONTEXT,
  parseStackOrThrow,
  stackIdOf,
  type AgentTaskDocument,
  type DeploymentStateDocument,
  type HostSnapshot,
  type HostStatus,
  type StackDocument,
  type StackSpec,
} from '@graphium/shared';
import { deploymentDocuments } from '../../src/stacks/deploymentPlan.js';

export const GIB = 2 ** 30;
export const DEPLOYED_AT = '2030-01-01T00:00:00.000Z';

export function host(id: string, fields: Partial<HostSnapshot> = {}): HostSnapshot {
  const n = Number(id.replace(/\D/g, '')) || 9;
  return { id, address: `10.0.0.${n}`, status: 'online', labels: {}, resources: { cpus: 4, memory: 8 * GIB }, ...fields };
}

/** The fleet with some hosts in another status. */
export function withStatus(hosts: readonly HostSnapshot[], status: HostStatus, ...ids: string[]): HostSnapshot[] {
  return hosts.map((h) => (ids.includes(h.id) ? { ...h, status } : h));
}

/** A Graphium JSON-LD stack: deployment fields and containers as given. */
export function stackSpec(name: string, deployment: Record<string, unknown>, containers: Record<string, unknown>[]): StackSpec {
  return parseStackOrThrow({
    '@context': 'https://schema.org',
    '@graph': [{ '@type': 'Stack', name, deployment, hasPart: containers.map((c) => ({ image: 'busybox:latest', ...c })) }],
  }).spec;
}

export interface Deployed {
  stack: StackDocument;
  state: DeploymentStateDocument;
  /** The completed deploy tasks (what TaskQueue.forStack answers). */
  history: AgentTaskDocument[];
}

/** The stack deployed (generation 1, operation 0) on `layout` and running; random ports got 3xxxx. */
export function deployed(spec: StackSpec, layout: Record<string, string>, hosts: readonly HostSnapshot[]): Deployed {
  const stackId = stackIdOf(spec.name);
  const addressOf = (hostId: string) => hosts.find((h) => h.id === hostId)?.address ?? `addr-${hostId}`;
  const placements = Object.fromEntries(Object.entries(layout).map(([name, hostId]) => [name, { hostId, hostAddress: addressOf(hostId) }]));
  const ctx = { stackId, stackName: spec.name, generation: 1, operation: 0, now: DEPLOYED_AT };
  const strategy = spec.deployment.placementStrategy;
  const { tasks, state } = deploymentDocuments(spec, { ok: true, strategy, seed: 7, explanation: {}, placements }, ctx);
  const history = tasks.map((task, i): AgentTaskDocument => {
    const spec = task.payload.kind === 'deploy' ? task.payload.containerSpec : undefined;
    const ports = (spec?.ports ?? []).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? 30000 + i, protocol: p.protocol }));
    return { ...task, status: 'completed', attempt: 1, completedAt: DEPLOYED_AT, result: { containerId: `c-${task.containerName}`, ports, healthy: true } };
  });
  for (const task of history) {
    state.placements[task.containerName] = {
      ...state.placements[task.containerName]!,
      status: 'running',
      containerId: task.result!.containerId,
      ports: task.result!.ports,
      startedAt: DEPLOYED_AT,
    };
  }
  const stack: StackDocument = {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'Stack',
    '@id': stackId,
    _rev: '3-a',
    name: spec.name,
    definition: spec,
    sourceFormat: 'jsonld',
    status: 'running',
    generation: 1,
    operation: 0,
    action: 'deploy',
    warnings: [],
    dateCreated: DEPLOYED_AT,
    dateModified: DEPLOYED_AT,
  };
  return { stack, state: { ...state, _rev: '5-b', status: 'running', phase: 'settled', progress: 100 }, history };
}
