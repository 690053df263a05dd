import type { PlacementStrategy } from './strategies.js';
import {
  cpuChecker,
  datacenterChecker,
  labelsChecker,
  memoryChecker,
  offlineChecker,
  pinnedChecker,
  portChecker,
  type Checker,
} from './checkers.js';
import {
  affinityRanker,
  cpuRanker,
  datacenterRanker,
  loadRanker,
  memoryPressureRanker,
  memoryRanker,
  spreadRanker,
  type Ranker,
} from './rankers.js';

/**
 * The placement pipeline, in order. Checkers run first to last and a host is counted under the first that
 * refuses it; cheap host facts come before plan-dependent resources. Then the strategy's rankers score the
 * survivors, and pick.ts takes the best (seeded tie-break).
 */
export const CHECKERS: readonly Checker[] = [
  offlineChecker,
  pinnedChecker,
  datacenterChecker,
  labelsChecker,
  cpuChecker,
  memoryChecker,
  portChecker,
];

/** auto and manual: the score of DESIGN.md §6. */
export const SCORE_RANKERS: readonly Ranker[] = [
  cpuRanker,
  memoryRanker,
  loadRanker,
  datacenterRanker,
  affinityRanker,
  memoryPressureRanker,
];

/** spread and datacenter: fewest containers wins. */
export const SPREAD_RANKERS: readonly Ranker[] = [spreadRanker];

export const RANKERS: readonly Ranker[] = [...SCORE_RANKERS, ...SPREAD_RANKERS];

export function rankersFor(strategy: PlacementStrategy): readonly Ranker[] {
  return strategy === 'auto' || strategy === 'manual' ? SCORE_RANKERS : SPREAD_RANKERS;
}
