/**
 * Which containers of a stack failover moves off offline hosts, and where (DESIGN.md §10). Pure: the stack,
 * its deployment state and the fleet as it is now in, a decision out; failover.ts writes it.
 *
 * Only automatic placement is undone. A container pinned to its host (locatedInHost, the stack's default host,
 * a hostConstraint targetHost), every container of a manual-strategy stack, and a single-host stack anchored by
 * a pin stay where they are: the user chose that host. Draining hosts are not offline: what runs there stays
 * (draining is the operator's move, and moving off it is a redeploy). The movers are placed by the same pure
 * pipeline as a deploy (shared `plan`), as a stack of their own: the containers that stay are already in the
 * fleet's live load and used host ports, and the stack's seed keeps ties as the deploy broke them. Under the
 * datacenter strategy they stay in the datacenter the rest of the stack runs in. A container no healthy host
 * can take stays stranded with the placement's reason, and the next sweep tries again.
 */
import {
  needOf,
  plan,
  type DeploymentStateDocument,
  type HostSnapshot,
  type Placement,
  type PlanExplanation,
  type StackDocument,
  type StackSpec,
  type StrandedContainer,
} from '@graphium/shared';

export interface Move extends Placement {
  /** The offline host it leaves. */
  from: string;
}

export interface FailoverAssessment {
  /** The stack is in a state failover acts on: running, degraded, or deploying/starting. */
  eligible: boolean;
  /** Containers that stay on an offline host, and why. */
  stranded: Record<string, StrandedContainer>;
  /** Containers to move: their new host. */
  moves: Record<string, Move>;
  /** Stranded before, on a healthy host again: deployed again (adopted where they still run). */
  recovered: string[];
  /** How each move was placed (the placement pipeline's explanation). */
  explanation: PlanExplanation;
}

/** Hosts that run what is placed on them: online, or draining (still served by its agent). */
export function isHealthy(host: HostSnapshot | undefined): boolean {
  return host !== undefined && (host.status === 'online' || host.status === 'draining');
}

const ELIGIBLE_STATUSES = new Set(['running', 'degraded', 'deploying']);

function eligible(stack: StackDocument, state: DeploymentStateDocument): boolean {
  return ELIGIBLE_STATUSES.has(stack.status) && (stack.action === 'deploy' || stack.action === 'start') && state.generation === stack.generation;
}

/** Why a container on an offline host stays there, or undefined when it may move. */
function stayReason(spec: StackSpec, name: string, hostId: string): StrandedContainer | undefined {
  const container = spec.containers.find((c) => c.name === name);
  if (container === undefined) return undefined;
  const stays = (reason: StrandedContainer['reason'], why: string): StrandedContainer => ({
    hostId,
    reason,
    message: `container "${name}" stays on offline host "${hostId}": ${why}; it runs again when the host is back`,
  });
  const pin = needOf(container, spec).pins[0];
  if (pin !== undefined) return stays('pinned', `pinned there by ${pin.source}`);
  if (spec.deployment.placementStrategy === 'manual') return stays('manual', 'the manual strategy moves nothing by itself');
  if (spec.deployment.mode === 'single-host') {
    const anchor = spec.containers.find((c) => needOf(c, spec).pins.length > 0);
    if (anchor !== undefined) return stays('pinned', `the single-host stack is pinned by container "${anchor.name}"`);
  }
  return undefined;
}

/** The one datacenter the containers that stay run in, when they agree on one. */
function keptDatacenter(state: DeploymentStateDocument, movable: ReadonlySet<string>, hostsById: ReadonlyMap<string, HostSnapshot>): string | undefined {
  const datacenters = new Set<string | undefined>();
  for (const [name, placement] of Object.entries(state.placements)) {
    if (!movable.has(name)) datacenters.add(hostsById.get(placement.hostId)?.datacenter);
  }
  const [only] = datacenters;
  return datacenters.size === 1 ? only : undefined;
}

interface PlannedMoves {
  moves: Record<string, Move>;
  unplaceable: Record<string, StrandedContainer>;
  explanation: PlanExplanation;
}

/**
 * Places the movers; a container no host can take is set aside and the rest placed again without it (a
 * single-host stack moves whole or not at all).
 */
function planMoves(
  stack: StackDocument,
  state: DeploymentStateDocument,
  hosts: readonly HostSnapshot[],
  movable: ReadonlySet<string>,
): PlannedMoves {
  const spec = stack.definition;
  const hostsById = new Map(hosts.map((h) => [h.id, h]));
  const result: PlannedMoves = { moves: {}, unplaceable: {}, explanation: {} };
  const datacenter = spec.deployment.placementStrategy === 'datacenter' ? keptDatacenter(state, movable, hostsById) : undefined;
  const deployment = datacenter === undefined ? spec.deployment : { ...spec.deployment, targetDatacenter: datacenter };
  let remaining = new Set(movable);
  while (remaining.size > 0) {
    const containers = spec.containers.filter((c) => remaining.has(c.name));
    const planned = plan({ hosts }, { ...spec, deployment, containers }, { stackId: stack['@id'], seed: state.seed });
    Object.assign(result.explanation, planned.explanation);
    if (planned.ok) {
      for (const [name, placement] of Object.entries(planned.placements)) {
        result.moves[name] = { ...placement, from: state.placements[name]!.hostId };
      }
      return result;
    }
    const failed = new Map(planned.errors.map((e) => [e.container, e.message]));
    const wholeStack = spec.deployment.mode === 'single-host';
    for (const name of remaining) {
      const why = failed.get(name) ?? (wholeStack ? `the single-host stack cannot move whole: ${[...failed.values()].join('; ')}` : undefined);
      if (why === undefined) continue;
      const hostId = state.placements[name]!.hostId;
      result.unplaceable[name] = {
        hostId,
        reason: 'unplaceable',
        message: `container "${name}" could not move off offline host "${hostId}": ${why.replace(`container "${name}": `, '')}; tried again on the next sweep`,
      };
    }
    remaining = new Set([...remaining].filter((name) => result.unplaceable[name] === undefined));
  }
  return result;
}

export function assessFailover(input: {
  stack: StackDocument;
  state: DeploymentStateDocument;
  hosts: readonly HostSnapshot[];
}): FailoverAssessment {
  const { stack, state, hosts } = input;
  const none: FailoverAssessment = { eligible: false, stranded: {}, moves: {}, recovered: [], explanation: {} };
  if (!eligible(stack, state)) return none;
  const spec = stack.definition;
  const hostsById = new Map(hosts.map((h) => [h.id, h]));
  const stranded: Record<string, StrandedContainer> = {};
  const movable = new Set<string>();
  for (const container of spec.containers) {
    const placement = state.placements[container.name];
    if (placement === undefined || placement.status === 'removed' || isHealthy(hostsById.get(placement.hostId))) continue;
    const stays = stayReason(spec, container.name, placement.hostId);
    if (stays === undefined) movable.add(container.name);
    else stranded[container.name] = stays;
  }
  const planned = movable.size === 0 ? { moves: {}, unplaceable: {}, explanation: {} } : planMoves(stack, state, hosts, movable);
  const recovered = Object.entries(state.failover?.stranded ?? {})
    .filter(([name, s]) => s.reason !== 'dependency' && isHealthy(hostsById.get(state.placements[name]?.hostId ?? s.hostId)))
    .map(([name]) => name)
    .sort();
  return {
    eligible: true,
    stranded: { ...stranded, ...planned.unplaceable },
    moves: planned.moves,
    recovered,
    explanation: Object.fromEntries(Object.entries(planned.explanation).filter(([name]) => planned.moves[name] !== undefined)),
  };
}
