/**
 * The placement engine: plan(snapshot, stack, options) → placements + explanation. Pure: no I/O, no clock,
 * no randomness (ties are broken by a seed derived from the stack id). See pipeline.ts for the stages.
 */
export { plan, DEFAULT_EXPLAIN_LIMIT } from './plan.js';
export type { PlacementSnapshot, PlanOptions, PlanResult, Placement } from './plan.js';
export type { PlacementError } from './failure.js';
export { CHECKERS, RANKERS, SCORE_RANKERS, SPREAD_RANKERS, rankersFor } from './pipeline.js';
export {
  offlineChecker,
  pinnedChecker,
  datacenterChecker,
  labelsChecker,
  cpuChecker,
  memoryChecker,
  portChecker,
} from './checkers.js';
export type { Capacity, Checker } from './checkers.js';
export {
  BASE_SCORE,
  EMPTY_RANK_CONTEXT,
  LOAD_HEAVY,
  LOAD_LIGHT,
  affinityRanker,
  cpuRanker,
  datacenterRanker,
  loadRanker,
  memoryPressureRanker,
  memoryRanker,
  spreadRanker,
  termOf,
} from './rankers.js';
export type { FastTerm, RankContext, Ranker } from './rankers.js';
export { FleetColumns, HostState, MEMORY_PRESSURE_THRESHOLD } from './hostState.js';
export { EMPTY_NEED, needOf, portKey } from './need.js';
export type { ContainerNeed, NeedOptions } from './need.js';
export { seedFromStackId, tieRank, fnv1a } from './seed.js';
export { outranks } from './pick.js';
export { placementOrder } from './order.js';
export type { DatacenterChoice } from './datacenterChoice.js';
