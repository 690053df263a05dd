import type { PlacementFilterReason } from '../models/placement.js';
import type { FleetColumns, HostState } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { formatBytes, formatCpus } from './units.js';

/**
 * Checkers filter hosts: each is one rule, named by the reason it gives when it refuses a host. The pipeline
 * order (pipeline.ts) decides which reason a host is counted under when several rules refuse it: the first.
 *
 * `passes` allocates nothing; `explain` builds the message only for the few refusals the explanation keeps;
 * `check` is the two together, for callers and tests. Capacity checkers are declared as "demand ≤ a free
 * column", from which `passes` is derived and which the scan evaluates straight on the columns.
 */
export interface Checker {
  readonly name: PlacementFilterReason;
  /**
   * Static checkers read only the host's facts and the container's constraints, so their verdict holds for
   * the whole plan and is computed once per group of alike containers. Dynamic ones read what this plan
   * already put on the host.
   */
  readonly dynamic: boolean;
  /** False when the checker cannot refuse any host for this container (the scan skips it). */
  applies(need: ContainerNeed): boolean;
  passes(host: HostState, need: ContainerNeed): boolean;
  /** Why the host is refused; only meaningful when `passes` is false. */
  explain(host: HostState, need: ContainerNeed): string;
  /** The unmet requirement in a few words, after a count: "2 offline or draining". */
  summary(need: ContainerNeed): string;
  /** null when the host passes, else the refusal message. */
  check(host: HostState, need: ContainerNeed): string | null;
  /** A capacity rule: the host passes when demand(need) ≤ its free amount in `column`. */
  readonly capacity?: Capacity;
  /**
   * Dynamic checkers that are no capacity rule must list the only hosts they could refuse; the scan checks
   * just those (ports: the hosts where a requested port is taken).
   */
  suspects?(need: ContainerNeed, columns: FleetColumns): Iterable<number>;
}

export interface Capacity {
  column: keyof Pick<FleetColumns, 'freeCpus' | 'freeMemory'>;
  demand(need: ContainerNeed): number;
}

type CheckerSpec = Omit<Checker, 'check'>;

function capacityChecker(spec: Omit<CheckerSpec, 'passes' | 'applies' | 'dynamic'> & { capacity: Capacity }): Checker {
  const { column, demand } = spec.capacity;
  return defineChecker({
    ...spec,
    dynamic: true,
    applies: (need) => demand(need) > 0,
    passes: (host, need) => demand(need) <= host.columns[column][host.index]!,
  });
}

function defineChecker(spec: CheckerSpec): Checker {
  return {
    ...spec,
    check(host, need) {
      return spec.applies(need) && !spec.passes(host, need) ? spec.explain(host, need) : null;
    },
  };
}

/** Only online hosts take new containers: offline ones are unreachable, draining ones are being emptied. */
export const offlineChecker = defineChecker({
  name: 'offline',
  dynamic: false,
  applies: () => true,
  passes: (host) => host.host.status === 'online',
  explain: (host) => `host is ${host.host.status}`,
  summary: () => 'offline or draining',
});

export const pinnedChecker = defineChecker({
  name: 'pinned',
  dynamic: false,
  applies: (need) => need.pins.length > 0,
  passes: (host, need) => need.pins.every((p) => p.hostId === host.id),
  explain: (host, need) => {
    const pin = need.pins.find((p) => p.hostId !== host.id);
    return pin === undefined ? '' : `container is pinned to host "${pin.hostId}" by ${pin.source}`;
  },
  summary: (need) => `not the pinned host ${need.pins.map((p) => `"${p.hostId}"`).join(' and ')}`,
});

export const datacenterChecker = defineChecker({
  name: 'datacenter',
  dynamic: false,
  applies: (need) => need.datacenters.length > 0,
  passes: (host, need) => need.datacenters.every((d) => d.name === host.host.datacenter),
  explain: (host, need) => {
    const rule = need.datacenters.find((d) => d.name !== host.host.datacenter);
    if (rule === undefined) return '';
    const dc = host.host.datacenter;
    const where = dc === undefined ? 'host has no datacenter' : `host is in "${dc}"`;
    const why = rule.source === 'strategy' ? 'the datacenter strategy placed the stack in' : 'requiredDatacenter is';
    return `${where}; ${why} "${rule.name}"`;
  },
  summary: (need) => `outside datacenter ${need.datacenters.map((d) => `"${d.name}"`).join(' and ')}`,
});

export const labelsChecker = defineChecker({
  name: 'labels',
  dynamic: false,
  applies: (need) => need.labels.length > 0,
  passes: (host, need) => {
    const labels = host.host.labels;
    for (const [key, value] of need.labels) if (labels[key] !== value) return false;
    return true;
  },
  explain: (host, need) => {
    const missing = need.labels.filter(([key, value]) => host.host.labels[key] !== value);
    return missing
      .map(([key, value]) => {
        const has = host.host.labels[key];
        return has === undefined ? `label ${key}=${value} missing` : `label ${key}=${has}, needs ${value}`;
      })
      .join('; ');
  },
  summary: (need) =>
    `missing label${need.labels.length === 1 ? '' : 's'} ${need.labels.map(([k, v]) => `${k}=${v}`).join(', ')}`,
});

/** minCpu and reservations.cpus against the host's CPUs minus what this plan reserved there. */
export const cpuChecker = capacityChecker({
  name: 'cpu',
  capacity: { column: 'freeCpus', demand: (need) => need.cpus },
  explain: (host, need) =>
    `needs ${formatCpus(need.cpus)}, host has ${formatCpus(host.freeCpus)} free ` +
    `(${formatCpus(host.cpus)} minus ${formatCpus(host.plannedCpus)} reserved by this plan)`,
  summary: (need) => `with less than ${formatCpus(need.cpus)} free`,
});

/** minMemory and reservations.memory against available memory minus what this plan reserved there. */
export const memoryChecker = capacityChecker({
  name: 'memory',
  capacity: { column: 'freeMemory', demand: (need) => need.memory },
  explain: (host, need) =>
    `needs ${formatBytes(need.memory)}, host has ${formatBytes(host.freeMemory)} free ` +
    `(${formatBytes(host.memoryAvailable)} available minus ${formatBytes(host.plannedMemory)} reserved by this plan)`,
  summary: (need) => `with less than ${formatBytes(need.memory)} free memory`,
});

/** Requested host ports must be free: not in the host's inventory, not taken by an earlier container of this plan. */
export const portChecker = defineChecker({
  name: 'port',
  dynamic: true,
  *suspects(need, columns) {
    for (const p of need.ports) yield* columns.portUsers.get(p.key) ?? [];
  },
  applies: (need) => need.ports.length > 0,
  passes: (host, need) => {
    for (const p of need.ports) if (host.hasPort(p.key)) return false;
    return true;
  },
  explain: (host, need) =>
    `host port${need.ports.length === 1 ? '' : 's'} ` +
    need.ports
      .filter((p) => host.hasPort(p.key))
      .map((p) => `${p.port}/${p.protocol}`)
      .join(', ') +
    ' already taken',
  summary: (need) => {
    const list = need.ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
    return need.ports.length === 1 ? `with host port ${list} taken` : `with one of host ports ${list} taken`;
  },
});
