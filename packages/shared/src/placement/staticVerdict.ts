import type { FilteredHost } from '../models/placement.js';
import type { HostState } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { EMPTY_NEED } from './need.js';
import { offlineChecker } from './checkers.js';
import { CHECKERS } from './pipeline.js';

/**
 * Static checkers (offline, pinned, datacenter, labels) give the same verdict for every container with the
 * same constraints, all plan long. Large stacks repeat a handful of constraint sets, so the verdict is
 * computed once per set (keyed by staticKey) and the demand classes built on it see only its candidates.
 */
export interface StaticVerdict {
  /** Host indices that pass every static checker, ascending (host id order). */
  readonly candidates: Int32Array;
  /** Hosts refused, by position in CHECKERS. */
  readonly counts: Int32Array;
  /** The first refused host indices, by CHECKERS position, at most `sampleLimit` each. */
  readonly samples: readonly number[][];
  /** Hosts the caller asked about (explainHosts) that were refused: host index → CHECKERS position. */
  readonly explainRefused: ReadonlyMap<number, number>;
  /** Refusal entries built so far; shared by all containers of the class (the reason cannot change). */
  readonly entries: Map<number, FilteredHost>;
}

export const STATIC_POSITIONS: readonly number[] = CHECKERS.flatMap((c, i) => (c.dynamic ? [] : [i]));
const OFFLINE = CHECKERS.findIndex((c) => c.name === 'offline');
const PINNED = CHECKERS.findIndex((c) => c.name === 'pinned');

/** Containers with equal keys get equal static verdicts. */
export function staticKey(need: ContainerNeed): string {
  // Sources are part of the key: they appear in refusal messages, which the class shares.
  return JSON.stringify([
    need.pins.map((p) => `${p.hostId}\u0000${p.source}`).sort(),
    need.datacenters.map((d) => `${d.name}\u0000${d.source}`).sort(),
    need.labels,
  ]);
}

/** The hosts of a fleet split once by status, for the pinned fast path. */
export interface FleetIndex {
  readonly hosts: readonly HostState[];
  readonly byId: ReadonlyMap<string, HostState>;
  readonly offline: readonly number[];
  readonly online: readonly number[];
  /** 1 at the index of every host the caller asked about (explainHosts). */
  readonly explainFlags: Uint8Array;
  readonly explainIndices: readonly number[];
}

export function fleetIndexOf(hosts: readonly HostState[], explainFlags: Uint8Array): FleetIndex {
  const offline: number[] = [];
  const online: number[] = [];
  const explainIndices: number[] = [];
  for (const h of hosts) {
    (offlineChecker.passes(h, EMPTY_NEED) ? online : offline).push(h.index);
    if (explainFlags[h.index] === 1) explainIndices.push(h.index);
  }
  return { hosts, byId: new Map(hosts.map((h) => [h.id, h])), offline, online, explainFlags, explainIndices };
}

function firstRefusal(host: HostState, need: ContainerNeed): number {
  for (const pos of STATIC_POSITIONS) {
    const checker = CHECKERS[pos]!;
    if (checker.applies(need) && !checker.passes(host, need)) return pos;
  }
  return -1;
}

export function staticVerdictOf(fleet: FleetIndex, need: ContainerNeed, sampleLimit: number): StaticVerdict {
  return need.pins.length > 0 ? pinnedVerdict(fleet, need, sampleLimit) : scannedVerdict(fleet, need, sampleLimit);
}

function emptyVerdictParts() {
  return {
    counts: new Int32Array(CHECKERS.length),
    samples: CHECKERS.map((): number[] => []),
    explainRefused: new Map<number, number>(),
  };
}

function scannedVerdict(fleet: FleetIndex, need: ContainerNeed, sampleLimit: number): StaticVerdict {
  const { counts, samples, explainRefused } = emptyVerdictParts();
  const candidates: number[] = [];
  for (const host of fleet.hosts) {
    const pos = firstRefusal(host, need);
    if (pos < 0) {
      candidates.push(host.index);
      continue;
    }
    counts[pos]! += 1;
    const sample = samples[pos]!;
    if (sample.length < sampleLimit) sample.push(host.index);
    if (fleet.explainFlags[host.index] === 1) explainRefused.set(host.index, pos);
  }
  return { candidates: Int32Array.from(candidates), counts, samples, explainRefused, entries: new Map() };
}

/**
 * A pinned container can only go to one host, so the other hosts need no checking: each is refused as
 * offline when it is not online, else as "not the pinned host". Only the pinned host itself runs the full
 * static checks. Keeps plans with many pins linear in the number of containers, not containers × hosts.
 */
function pinnedVerdict(fleet: FleetIndex, need: ContainerNeed, sampleLimit: number): StaticVerdict {
  const { counts, samples, explainRefused } = emptyVerdictParts();
  const pinnedIds = new Set(need.pins.map((p) => p.hostId));
  // Two different pins: no host can be both, every online host is refused as "pinned".
  const target = pinnedIds.size === 1 ? fleet.byId.get(need.pins[0]!.hostId) : undefined;
  const candidates: number[] = [];
  let targetPos = -1;
  if (target !== undefined) {
    targetPos = firstRefusal(target, need);
    if (targetPos < 0) candidates.push(target.index);
    else {
      // The pinned host's refusal is the one a reader needs: first in its sample, never capped away.
      counts[targetPos]! += 1;
      samples[targetPos]!.push(target.index);
    }
  }
  const isTarget = (i: number) => target !== undefined && i === target.index;
  for (const [pos, list] of [
    [OFFLINE, fleet.offline],
    [PINNED, fleet.online],
  ] as const) {
    const targetInList = target !== undefined && offlineChecker.passes(target, need) === (pos === PINNED);
    counts[pos]! += list.length - (targetInList ? 1 : 0);
    const sample = samples[pos]!;
    for (const i of list) {
      if (sample.length >= sampleLimit) break;
      if (!isTarget(i)) sample.push(i);
    }
  }
  for (const i of fleet.explainIndices) {
    if (isTarget(i)) {
      if (targetPos >= 0) explainRefused.set(i, targetPos);
    } else {
      explainRefused.set(i, offlineChecker.passes(fleet.hosts[i]!, need) ? PINNED : OFFLINE);
    }
  }
  return { candidates: Int32Array.from(candidates), counts, samples, explainRefused, entries: new Map() };
}
