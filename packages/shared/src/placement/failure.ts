import type { PlacementFilterReason } from '../models/placement.js';
import type { HostState } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { CHECKERS } from './pipeline.js';

/**
 * The error of a container no host can take. It must be actionable without reading the explanation: it
 * names the container and every unmet requirement with how many hosts it ruled out, e.g.
 *   container "db": no eligible host among 3: 2 offline or draining, 1 missing label disk=ssd
 * A pinned container names its host and why that one host was refused.
 */
export interface PlacementError {
  container: string;
  code: 'PLACEMENT_UNSATISFIABLE';
  message: string;
  /** Hosts refused, by reason (the first checker that refused each host). */
  unmet: Partial<Record<PlacementFilterReason, number>>;
}

export function unsatisfiable(
  need: ContainerNeed,
  hostCount: number,
  counts: readonly number[],
  byId: ReadonlyMap<string, HostState>,
): PlacementError {
  const unmet: PlacementError['unmet'] = {};
  const parts: string[] = [];
  counts.forEach((n, pos) => {
    if (n === 0) return;
    const checker = CHECKERS[pos]!;
    unmet[checker.name] = n;
    parts.push(`${n} ${checker.summary(need)}`);
  });
  const among =
    hostCount === 0
      ? 'no hosts in the fleet'
      : `no eligible host among ${hostCount}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  return {
    container: need.container,
    code: 'PLACEMENT_UNSATISFIABLE',
    message: `container "${need.container}": ${pinnedPrefix(need, byId)}${among}`,
    unmet,
  };
}

function pinnedPrefix(need: ContainerNeed, byId: ReadonlyMap<string, HostState>): string {
  const distinct = [...new Set(need.pins.map((p) => p.hostId))];
  if (distinct.length > 1) {
    return `pinned to different hosts (${need.pins.map((p) => `"${p.hostId}" by ${p.source}`).join(', ')}); `;
  }
  const pin = need.pins[0];
  if (pin === undefined) return '';
  const host = byId.get(pin.hostId);
  if (host === undefined) return `pinned host "${pin.hostId}" (${pin.source}) is not in the fleet; `;
  for (const checker of CHECKERS) {
    const refusal = checker.check(host, need);
    if (refusal !== null) return `pinned host "${pin.hostId}" (${pin.source}) is refused: ${refusal}; `;
  }
  return '';
}

/** Manual placement asks the user to say where each container goes, at least roughly. */
export function manualUnconstrained(need: ContainerNeed): PlacementError {
  return {
    container: need.container,
    code: 'PLACEMENT_UNSATISFIABLE',
    message:
      `container "${need.container}": the manual strategy needs a target host (locatedInHost, the stack's ` +
      `defaultHost or a hostConstraint targetHost) or a hostConstraint that narrows its hosts ` +
      `(requiredDatacenter, minCpu, minMemory, labels)`,
    unmet: {},
  };
}

/** The datacenter strategy with no datacenter to choose. */
export function noDatacenter(need: ContainerNeed, hostCount: number, offline: number): PlacementError {
  const online = hostCount - offline;
  const unmet: PlacementError['unmet'] = {};
  if (offline > 0) unmet.offline = offline;
  if (online > 0) unmet.datacenter = online;
  return {
    container: need.container,
    code: 'PLACEMENT_UNSATISFIABLE',
    message:
      `container "${need.container}": the datacenter strategy found no online host with a datacenter ` +
      `among ${hostCount} (${offline} offline or draining, ${online} without a datacenter)`,
    unmet,
  };
}
