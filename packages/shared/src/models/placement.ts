import { z } from 'zod';
import { PLACEMENT_STRATEGIES } from './stackSpec.js';

/**
 * The placement explanation (stored in a PlacementExplanation document, shown as the stack view's
 * `deployment.explanation` and in the dry-run `plan` response). It answers "why did container C land on
 * host H, and why not on host X?" from data alone: per container, how many hosts were looked at, which were
 * filtered and by which checker, and how the best hosts scored term by term.
 *
 * Fleets hold thousands of hosts, so `filtered` is a capped sample (explainLimit, default 20, plus any host
 * the caller asked about by id); `filteredCounts` always counts every filtered host by reason.
 */

/** The checker that removed a host, named by what was wrong with the host. */
export const PLACEMENT_FILTER_REASONS = [
  'offline',
  'pinned',
  'datacenter',
  'labels',
  'cpu',
  'memory',
  'port',
] as const;
export const placementFilterReason = z.enum(PLACEMENT_FILTER_REASONS);
export type PlacementFilterReason = z.infer<typeof placementFilterReason>;

/** One named term of a host's score (`base` included, so the terms of a host sum to its score). */
export const scoreTerm = z.object({
  name: z.string().min(1),
  value: z.number(),
  detail: z.string().optional(),
});
export type ScoreTerm = z.infer<typeof scoreTerm>;

export const filteredHost = z.object({
  hostId: z.string().min(1),
  /** The first checker, in pipeline order, that refused the host. */
  reason: placementFilterReason,
  message: z.string(),
});
export type FilteredHost = z.infer<typeof filteredHost>;

export const hostScore = z.object({
  hostId: z.string().min(1),
  score: z.number(),
  terms: z.array(scoreTerm),
});
export type HostScore = z.infer<typeof hostScore>;

export const containerExplanation = z.object({
  container: z.string().min(1),
  strategy: z.enum(PLACEMENT_STRATEGIES),
  hostsEvaluated: z.number().int().min(0),
  hostsEligible: z.number().int().min(0),
  filtered: z.array(filteredHost),
  /** Every filtered host counted by reason, however many were kept in `filtered`. */
  filteredCounts: z.partialRecord(placementFilterReason, z.number().int().min(0)),
  /** Filtered hosts not listed in `filtered` because of the cap. */
  filteredOmitted: z.number().int().min(0),
  /** The best eligible hosts (at most 3), best first. */
  top: z.array(hostScore).max(3),
  /** Scores of hosts the caller asked about (explainHosts) that were eligible but not in `top`. */
  explainedHosts: z.array(hostScore).optional(),
  /** Absent when the container could not be placed. */
  chosen: z.string().min(1).optional(),
  /** What settled the choice: 'pinned by locatedInHost', 'highest score', 'tie broken by seed', … */
  decidedBy: z.string(),
});
export type ContainerExplanation = z.infer<typeof containerExplanation>;

/** Keyed by container name. */
export const planExplanation = z.record(z.string(), containerExplanation);
export type PlanExplanation = z.infer<typeof planExplanation>;
