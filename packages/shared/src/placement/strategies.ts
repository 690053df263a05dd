import type { DeploymentSpec, StackSpec } from '../models/stackSpec.js';
import { chooseDatacenter, type DatacenterChoice } from './datacenterChoice.js';
import { constraintsByContainer, needOf, type ContainerNeed } from './need.js';
import type { Ranker } from './rankers.js';
import type { FleetIndex } from './staticVerdict.js';
import { rankersFor } from './pipeline.js';

export type PlacementStrategy = DeploymentSpec['placementStrategy'];

/**
 * What each strategy changes in the one pipeline; everything else (checkers, pins, hostConstraints, the
 * seeded pick) is shared:
 *  - auto: the DESIGN.md score; the stack's targetDatacenter is a preference (−20 outside it).
 *  - manual: like auto, but every container must be narrowed by the user (a pin — locatedInHost, the
 *    stack's defaultHost, a hostConstraint targetHost — or a constraint: requiredDatacenter, minCpu,
 *    minMemory, labels).
 *  Under every strategy the stack's defaultHost pins the containers that name no host of their own (the same
 *  precedence validation/pins.ts applies before planning).
 *  - spread: fewest containers (counting this plan) wins.
 *  - datacenter: one datacenter for the whole stack (datacenterChoice.ts) becomes a requirement of every
 *    container, then spread inside it.
 */
export interface StrategySetup {
  strategy: PlacementStrategy;
  rankers: readonly Ranker[];
  preferredDatacenter: string | undefined;
  /** By declaration index. */
  needs: ContainerNeed[];
  /** The datacenter strategy's choice; undefined elsewhere, or when no online host has a datacenter. */
  datacenter: DatacenterChoice | undefined;
  /** Containers must be narrowed by the user (manual). */
  requiresConstraint: boolean;
  /** decidedBy for a clear win. */
  winner: string;
}

export function setUpStrategy(stack: StackSpec, fleet: FleetIndex): StrategySetup {
  const strategy = stack.deployment.placementStrategy;
  const constraintsOf = constraintsByContainer(stack);
  let needs = stack.containers.map((c) => needOf(c, stack, {}, constraintsOf(c.name)));
  let datacenter: DatacenterChoice | undefined;
  if (strategy === 'datacenter') {
    datacenter = chooseDatacenter(stack, fleet, needs);
    if (datacenter !== undefined) {
      const strategyDatacenter = datacenter.name;
      needs = stack.containers.map((c) =>
        needOf(c, stack, { strategyDatacenter }, constraintsOf(c.name)),
      );
    }
  }
  const scored = strategy === 'auto' || strategy === 'manual';
  return {
    strategy,
    rankers: rankersFor(strategy),
    preferredDatacenter: scored ? stack.deployment.targetDatacenter : undefined,
    needs,
    datacenter,
    requiresConstraint: strategy === 'manual',
    winner: scored ? 'highest score' : 'fewest containers',
  };
}
