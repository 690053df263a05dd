import type { ScoreTerm } from '../models/placement.js';
import { MEMORY_PRESSURE_THRESHOLD, type FleetColumns, type HostState } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { formatBytes, round } from './units.js';

/**
 * Rankers score the hosts that passed every checker; each is one named term of the score, added to
 * BASE_SCORE. Terms are computed in integer hundredths of a point (`centi`), so two equal hosts score
 * exactly equal and ties go to the seeded tie-break rather than to floating-point noise.
 *
 * Host-only rankers read the host and the plan so far, not the container: the plan caches their sum per
 * host and refreshes it only when it places something there, so the per-container scan adds just the
 * container-dependent ("fit") terms. Those declare a `fast` form the scan evaluates on the columns without a
 * call per host; their `centi` is derived from it, so each rule is still written once.
 */

export const BASE_SCORE = 100;

export interface RankContext {
  /** The stack's targetDatacenter, preferred (not required) by auto and manual. */
  preferredDatacenter?: string | undefined;
  /** Host index → names of this container's dependencies already placed there. */
  dependencyHosts: ReadonlyMap<number, readonly string[]>;
}

export const EMPTY_RANK_CONTEXT: RankContext = { dependencyHosts: new Map() };

export interface Ranker {
  readonly name: string;
  readonly hostOnly: boolean;
  /** The documented range of the term, in points. */
  range(need: ContainerNeed): readonly [number, number];
  /** The term in hundredths of a point (an integer). */
  centi(host: HostState, need: ContainerNeed, ctx: RankContext): number;
  detail(host: HostState, need: ContainerNeed, ctx: RankContext): string;
  /** Fit rankers only: the column form the scan uses. */
  readonly fast?: FastTerm;
}

/**
 * - overLimit: `centi` when column[host] + demand(need) > limit[host], else 0.
 * - sparse: non-zero on a few hosts only, listed per container (index → centi).
 */
export type FastTerm =
  | {
      kind: 'overLimit';
      column: keyof Pick<FleetColumns, 'usedMemory'>;
      limit: keyof Pick<FleetColumns, 'memoryPressureLimit'>;
      demand(need: ContainerNeed): number;
      centi: number;
    }
  | { kind: 'sparse'; hosts(need: ContainerNeed, ctx: RankContext): Iterable<readonly [number, number]> };

/** The stored form of one ranker's term for one host. */
export function termOf(ranker: Ranker, host: HostState, need: ContainerNeed, ctx: RankContext): ScoreTerm {
  return { name: ranker.name, value: ranker.centi(host, need, ctx) / 100, detail: ranker.detail(host, need, ctx) };
}

/** CPU busy after what this plan reserved, in percent (live heartbeat load + planned reservations). */
function busyPercent(host: HostState): number {
  return Math.min(100, Math.max(0, host.cpuPercent + (100 * host.plannedCpus) / host.cpus));
}

function freeMemoryFraction(host: HostState): number {
  return Math.min(1, Math.max(0, (host.memoryAvailable - host.plannedMemory) / host.memoryTotal));
}

/** 0–30: more idle CPU scores higher. */
export const cpuRanker: Ranker = {
  name: 'cpu',
  hostOnly: true,
  range: () => [0, 30],
  centi: (host) => Math.round(30 * (100 - busyPercent(host))),
  detail: (host) =>
    `${round(busyPercent(host), 1)}% busy (${round(host.cpuPercent, 1)}% live + ` +
    `${round((100 * host.plannedCpus) / host.cpus, 1)}% reserved by this plan) of ${host.cpus} CPUs`,
};

/** 0–30: a larger free fraction of memory scores higher. */
export const memoryRanker: Ranker = {
  name: 'memory',
  hostOnly: true,
  range: () => [0, 30],
  centi: (host) => Math.round(3000 * freeMemoryFraction(host)),
  detail: (host) =>
    `${round(100 * freeMemoryFraction(host), 1)}% free ` +
    `(${formatBytes(host.freeMemory)} of ${formatBytes(host.memoryTotal)})`,
};

export const LOAD_LIGHT = 5;
export const LOAD_HEAVY = 10;

/** +10 under 5 containers, −10 over 10, counting containers this plan put there. */
export const loadRanker: Ranker = {
  name: 'load',
  hostOnly: true,
  range: () => [-10, 10],
  centi: (host) => {
    const count = host.containerCount;
    return count < LOAD_LIGHT ? 1000 : count > LOAD_HEAVY ? -1000 : 0;
  },
  detail: (host) => containersDetail(host),
};

/** −20 outside the stack's preferred datacenter, when it names one. */
export const datacenterRanker: Ranker = {
  name: 'datacenter',
  hostOnly: true,
  range: () => [-20, 0],
  centi: (host, _need, ctx) =>
    ctx.preferredDatacenter !== undefined && host.host.datacenter !== ctx.preferredDatacenter ? -2000 : 0,
  detail: (host, _need, ctx) =>
    ctx.preferredDatacenter === undefined
      ? 'no preferred datacenter'
      : `in ${host.host.datacenter ?? 'no datacenter'}, preferred ${ctx.preferredDatacenter}`,
};

const AFFINITY_CENTI = 2500;

/** +25 per dependency of the container already placed on the host: dependencies talk to each other. */
export const affinityRanker: Ranker = {
  name: 'affinity',
  hostOnly: false,
  range: (need) => [0, 25 * need.dependsOn.length],
  centi: (host, _need, ctx) => AFFINITY_CENTI * (ctx.dependencyHosts.get(host.index)?.length ?? 0),
  detail: (host, _need, ctx) => {
    const here = ctx.dependencyHosts.get(host.index) ?? [];
    return here.length === 0 ? 'no dependency here' : `dependencies here: ${here.join(', ')}`;
  },
  fast: {
    kind: 'sparse',
    *hosts(_need, ctx) {
      for (const [index, names] of ctx.dependencyHosts) yield [index, AFFINITY_CENTI * names.length] as const;
    },
  },
};

const memoryPressure = {
  kind: 'overLimit',
  column: 'usedMemory',
  limit: 'memoryPressureLimit',
  demand: (need: ContainerNeed) => need.reserveMemory,
  centi: -1500,
} as const;

/** −15 when the host's memory in use after placing the container would exceed 90%. */
export const memoryPressureRanker: Ranker = {
  name: 'memoryPressure',
  hostOnly: false,
  range: () => [-15, 0],
  centi: (host, need) =>
    host.columns[memoryPressure.column][host.index]! + memoryPressure.demand(need) >
    host.columns[memoryPressure.limit][host.index]!
      ? memoryPressure.centi
      : 0,
  detail: (host, need) => {
    const used = host.usedMemory + need.reserveMemory;
    return `${Math.round((100 * used) / host.memoryTotal)}% memory in use after placement (penalty above ${
      100 * MEMORY_PRESSURE_THRESHOLD
    }%)`;
  },
  fast: memoryPressure,
};

/** Spread: one point less per container on the host (counting this plan), so the emptiest host wins. */
export const spreadRanker: Ranker = {
  name: 'containers',
  hostOnly: true,
  range: () => [-Infinity, 0],
  centi: (host) => -100 * host.containerCount,
  detail: (host) => containersDetail(host),
};

function containersDetail(host: HostState): string {
  const n = host.containerCount;
  return `${n} container${n === 1 ? '' : 's'} (${host.runningContainers} running + ${host.plannedContainers} planned)`;
}
