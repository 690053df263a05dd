import { AppError } from '../errors.js';
import type { HostSnapshot } from '../models/host.js';
import type { ContainerExplanation, PlanExplanation } from '../models/placement.js';
import type { StackSpec } from '../models/stackSpec.js';
import type { DatacenterChoice } from './datacenterChoice.js';
import { explainContainer, refusalCounts, TermInterner } from './explain.js';
import { manualUnconstrained, noDatacenter, unsatisfiable, type PlacementError } from './failure.js';
import { FleetColumns, HostState } from './hostState.js';
import { EMPTY_NEED, type ContainerNeed } from './need.js';
import { placementOrder } from './order.js';
import type { RankContext, Ranker } from './rankers.js';
import { Scanner } from './scan.js';
import { DemandClass, demandKey } from './demandClass.js';
import { seedFromStackId, tieRank } from './seed.js';
import { fleetIndexOf, staticKey, staticVerdictOf, type FleetIndex, type StaticVerdict } from './staticVerdict.js';
import { setUpStrategy, type PlacementStrategy, type StrategySetup } from './strategies.js';

/**
 * plan(snapshot, stack) → placement: a pure function (no clock, no randomness, no I/O). The controller
 * hands it the fleet as it is and stores what comes back; tests do the same with a hand-made fleet.
 *
 * Containers are placed one by one in dependency order; each placement is recorded on its host before the
 * next container is considered, so containers of this plan count as load (CPU, memory, container count,
 * host ports) for the ones after them. A container nobody can take fails the plan with an error naming it
 * and its unmet requirements, but the others are still planned so the caller sees every problem at once.
 */

export interface PlacementSnapshot {
  hosts: readonly HostSnapshot[];
}

export const DEFAULT_EXPLAIN_LIMIT = 20;

export interface PlanOptions {
  stackId: string;
  /** Seed of the tie-break; default seedFromStackId(stackId). */
  seed?: number;
  /** Refused hosts listed per container in the explanation (counts are always complete); default 20. */
  explainLimit?: number;
  /** Hosts always listed when refused (and scored when eligible): "why not host X?". */
  explainHosts?: readonly string[];
}

export interface Placement {
  hostId: string;
  hostAddress: string;
}

interface PlanResultBase {
  strategy: PlacementStrategy;
  seed: number;
  /** The datacenter strategy's choice for the stack and why. */
  datacenter?: DatacenterChoice;
  explanation: PlanExplanation;
}

export type PlanResult =
  | (PlanResultBase & { ok: true; placements: Record<string, Placement> })
  | (PlanResultBase & { ok: false; errors: PlacementError[] });

/** Fleet hosts in id order: every later tie and listing is then independent of the caller's order. */
function hostStatesOf(snapshots: readonly HostSnapshot[], seed: number, columns: FleetColumns): HostState[] {
  const sorted = [...snapshots].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new AppError('VALIDATION_FAILED', `host "${sorted[i]!.id}" appears twice in the placement snapshot`);
    }
  }
  return sorted.map((h, i) => new HostState(h, i, tieRank(seed, h.id), columns));
}

/** Refresh a host's cached host-only score (after a placement changed its load). */
function rescore(host: HostState, hostOnly: readonly Ranker[], ctx: RankContext): void {
  let centi = 0;
  for (const r of hostOnly) centi += r.centi(host, EMPTY_NEED, ctx);
  host.cachedScore = centi;
}

/**
 * Static verdicts and demand classes kept at once; bounded (each holds a few arrays of fleet size) so a stack
 * whose containers all differ cannot hoard memory. Clearing is deterministic, so plans stay reproducible.
 */
const CACHE_LIMIT = 256;

/**
 * Places every container of the stack. In `single-host` mode the whole stack shares one host: the host of a
 * pinned container when there is one, else the host the strategy picks for the first container in dependency
 * order; the others are then pinned there as if it were the stack's defaultHost.
 */
export function plan(snapshot: PlacementSnapshot, stack: StackSpec, options: PlanOptions): PlanResult {
  const result = planEach(snapshot, stack, options);
  if (stack.deployment.mode !== 'single-host' || !result.ok) return result;
  if (new Set(Object.values(result.placements).map((p) => p.hostId)).size <= 1) return result;
  // A container pinned by its own host, a hostConstraint or the defaultHost decides; else the first placed.
  const pinned = stack.containers.find((c) => result.explanation[c.name]?.decidedBy.startsWith('pinned') === true);
  const first = pinned ?? stack.containers[placementOrder(stack.containers)[0]!]!;
  const anchor = result.placements[first.name]!.hostId;
  return planEach(snapshot, { ...stack, defaultHost: anchor }, options);
}

function planEach(snapshot: PlacementSnapshot, stack: StackSpec, options: PlanOptions): PlanResult {
  const seed = (options.seed ?? seedFromStackId(options.stackId)) >>> 0;
  const limit = Math.max(0, options.explainLimit ?? DEFAULT_EXPLAIN_LIMIT);
  const columns = new FleetColumns(snapshot.hosts.length);
  const hosts = hostStatesOf(snapshot.hosts, seed, columns);
  const explainFlags = new Uint8Array(hosts.length);
  const wanted = new Set(options.explainHosts ?? []);
  for (const h of hosts) if (wanted.has(h.id)) explainFlags[h.index] = 1;
  const fleet = fleetIndexOf(hosts, explainFlags);

  const setup = setUpStrategy(stack, fleet);
  const { strategy, rankers, needs } = setup;
  const baseCtx: RankContext = { preferredDatacenter: setup.preferredDatacenter, dependencyHosts: new Map() };
  const hostOnly = rankers.filter((r) => r.hostOnly);
  for (const h of hosts) rescore(h, hostOnly, baseCtx);

  const scanner = new Scanner(hosts, columns, fleet.explainIndices, limit);
  const verdicts = new Map<string, StaticVerdict>();
  const classes = new Map<string, DemandClass>();
  /** Host index of every placement so far, in order: what DemandClass.sync replays. */
  const log: number[] = [];
  const terms = new TermInterner();
  const placedOn = new Map<string, HostState>();
  // By declaration index: results are reported in declaration order, whatever order placement took.
  const explanations: (ContainerExplanation | undefined)[] = [];
  const errors: (PlacementError | undefined)[] = [];
  const chosenHosts: (HostState | undefined)[] = [];

  // Keys are computed once per container; equal needs share the key string.
  const keys = needs.map((need) => demandKey(need, rankers));
  const classFor = (need: ContainerNeed, key: string): DemandClass => {
    let cls = classes.get(key);
    if (cls === undefined) {
      const sKey = staticKey(need);
      let verdict = verdicts.get(sKey);
      if (verdict === undefined) {
        if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
        verdict = staticVerdictOf(fleet, need, limit);
        verdicts.set(sKey, verdict);
      }
      if (classes.size >= CACHE_LIMIT) classes.clear();
      cls = new DemandClass(verdict, need, rankers, columns, log.length);
      classes.set(key, cls);
    }
    return cls;
  };

  for (const i of placementOrder(stack.containers)) {
    const need = needs[i]!;
    const failure = precheck(setup, need, fleet);
    if (failure !== undefined) {
      errors[i] = failure.error;
      explanations[i] = failure.explanation;
      continue;
    }
    const ctx = rankContextFor(need, placedOn, baseCtx);
    const cls = classFor(need, keys[i]!);
    const verdict = cls.verdict;
    scanner.scan(cls, log, need, rankers, ctx);
    const winner = setup.winner;
    explanations[i] = explainContainer({ need, strategy, hosts, verdict, scanner, rankers, ctx, limit, winner, terms });
    if (scanner.top.size === 0) {
      errors[i] = unsatisfiable(need, hosts.length, refusalCounts(verdict, scanner), fleet.byId);
      continue;
    }
    const chosen = hosts[scanner.top.indices[0]!]!;
    chosen.reserve(need);
    rescore(chosen, hostOnly, baseCtx);
    log.push(chosen.index);
    placedOn.set(need.container, chosen);
    chosenHosts[i] = chosen;
  }

  const explanation: PlanExplanation = {};
  stack.containers.forEach((c, i) => {
    const e = explanations[i];
    if (e !== undefined) explanation[c.name] = e;
  });
  const base = { strategy, seed, ...(setup.datacenter ? { datacenter: setup.datacenter } : {}), explanation };
  const failed = errors.filter((e): e is PlacementError => e !== undefined);
  if (failed.length > 0) return { ...base, ok: false, errors: failed };
  const placements: Record<string, Placement> = {};
  stack.containers.forEach((c, i) => {
    const host = chosenHosts[i];
    if (host !== undefined) placements[c.name] = { hostId: host.id, hostAddress: host.host.address };
  });
  return { ...base, ok: true, placements };
}

function rankContextFor(need: ContainerNeed, placedOn: ReadonlyMap<string, HostState>, base: RankContext): RankContext {
  if (need.dependsOn.length === 0) return base;
  const dependencyHosts = new Map<number, string[]>();
  for (const dep of need.dependsOn) {
    const host = placedOn.get(dep);
    if (host === undefined) continue;
    const names = dependencyHosts.get(host.index) ?? [];
    if (!names.includes(dep)) names.push(dep);
    dependencyHosts.set(host.index, names);
  }
  return dependencyHosts.size === 0 ? base : { ...base, dependencyHosts };
}

/** Failures decided before looking at hosts: manual without a hint, datacenter strategy without a datacenter. */
function precheck(
  setup: StrategySetup,
  need: ContainerNeed,
  fleet: FleetIndex,
): { error: PlacementError; explanation: ContainerExplanation } | undefined {
  const error =
    setup.requiresConstraint && !need.constrained
      ? manualUnconstrained(need)
      : setup.strategy === 'datacenter' && setup.datacenter === undefined
        ? noDatacenter(need, fleet.hosts.length, fleet.offline.length)
        : undefined;
  if (error === undefined) return undefined;
  const refused = Object.values(error.unmet).reduce((a, b) => a + (b ?? 0), 0);
  return {
    error,
    explanation: {
      container: need.container,
      strategy: setup.strategy,
      hostsEvaluated: fleet.hosts.length,
      hostsEligible: 0,
      filtered: [],
      filteredCounts: error.unmet,
      filteredOmitted: refused,
      top: [],
      decidedBy: 'no eligible host',
    },
  };
}
