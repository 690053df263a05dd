import type { ContainerExplanation, FilteredHost, HostScore, ScoreTerm } from '../models/placement.js';
import type { HostState } from './hostState.js';
import { EMPTY_NEED, type ContainerNeed } from './need.js';
import { CHECKERS } from './pipeline.js';
import { BASE_SCORE, termOf, type RankContext, type Ranker } from './rankers.js';
import type { Scanner } from './scan.js';
import type { StaticVerdict } from './staticVerdict.js';
import type { PlacementStrategy } from './strategies.js';

/**
 * Turns one container's static verdict and scan into its stored explanation. The refused hosts kept are
 * dealt round-robin across reasons (each reason gets an example before any gets a second), grouped by reason
 * in pipeline order, up to `limit`; hosts the caller asked about are added beyond the cap. Counts are
 * complete.
 */

const BASE_TERM: ScoreTerm = Object.freeze({ name: 'base', value: BASE_SCORE });

/**
 * Equal terms as one object: a 100k-container explanation repeats the same few fit terms ("no dependency
 * here") hundreds of thousands of times. One per plan.
 */
export class TermInterner {
  private readonly terms = new Map<string, ScoreTerm>();

  intern(term: ScoreTerm): ScoreTerm {
    const key = `${term.name}\u0000${term.value}\u0000${term.detail ?? ''}`;
    const known = this.terms.get(key);
    if (known !== undefined) return known;
    this.terms.set(key, term);
    return term;
  }
}

export interface ExplainInput {
  need: ContainerNeed;
  strategy: PlacementStrategy;
  hosts: readonly HostState[];
  verdict: StaticVerdict;
  scanner: Scanner;
  rankers: readonly Ranker[];
  ctx: RankContext;
  limit: number;
  /** decidedBy for a clear win ('highest score', 'fewest containers', …). */
  winner: string;
  terms: TermInterner;
}

/** Refusals by CHECKERS position, static and dynamic together. */
export function refusalCounts(verdict: StaticVerdict, scanner: Scanner): number[] {
  return CHECKERS.map((_, pos) => verdict.counts[pos]! + scanner.counts[pos]!);
}

export function countsByReason(counts: readonly number[]): ContainerExplanation['filteredCounts'] {
  const out: ContainerExplanation['filteredCounts'] = {};
  counts.forEach((n, pos) => {
    if (n > 0) out[CHECKERS[pos]!.name] = n;
  });
  return out;
}

export function hostScoreOf(
  host: HostState,
  need: ContainerNeed,
  rankers: readonly Ranker[],
  ctx: RankContext,
  terms?: TermInterner,
): HostScore {
  if (host.cachedTerms === undefined) {
    host.cachedTerms = rankers.filter((r) => r.hostOnly).map((r) => termOf(r, host, EMPTY_NEED, ctx));
  }
  const list: ScoreTerm[] = [BASE_TERM];
  let centi = 0;
  let cached = 0;
  for (const ranker of rankers) {
    let term: ScoreTerm;
    if (ranker.hostOnly) term = host.cachedTerms[cached++]!;
    else {
      term = termOf(ranker, host, need, ctx);
      if (terms !== undefined) term = terms.intern(term);
    }
    list.push(term);
    centi += Math.round(term.value * 100);
  }
  return { hostId: host.id, score: BASE_SCORE + centi / 100, terms: list };
}

function filteredEntry(input: ExplainInput, index: number, pos: number): FilteredHost {
  const checker = CHECKERS[pos]!;
  if (checker.dynamic) return input.scanner.entry(index, pos);
  // A static refusal reads the same for every container of the class: build it once, share it.
  let entry = input.verdict.entries.get(index);
  if (entry === undefined) {
    const host = input.hosts[index]!;
    entry = { hostId: host.id, reason: checker.name, message: checker.explain(host, input.need) };
    input.verdict.entries.set(index, entry);
  }
  return entry;
}

function selectFiltered(input: ExplainInput, total: number): FilteredHost[] {
  const { verdict, scanner, limit } = input;
  const samples = CHECKERS.map((c, pos) => (c.dynamic ? scanner.samples[pos]! : verdict.samples[pos]!));
  // How many of each reason's samples to keep: deal the cap out one per reason per round.
  const take = samples.map(() => 0);
  let left = Math.min(limit, total);
  for (let dealt = true; left > 0 && dealt; ) {
    dealt = false;
    for (let pos = 0; pos < samples.length && left > 0; pos++) {
      if (take[pos]! < samples[pos]!.length) {
        take[pos]! += 1;
        left--;
        dealt = true;
      }
    }
  }
  const out: FilteredHost[] = [];
  samples.forEach((sample, pos) => {
    for (let i = 0; i < take[pos]!; i++) out.push(filteredEntry(input, sample[i]!, pos));
  });
  // Hosts the caller asked about, beyond the cap.
  for (const [index, pos] of [...verdict.explainRefused, ...scanner.explainRefused]) {
    const sample = samples[pos]!;
    let listed = false;
    for (let i = 0; i < take[pos]! && !listed; i++) listed = sample[i] === index;
    if (!listed) out.push(filteredEntry(input, index, pos));
  }
  return out;
}

export function explainContainer(input: ExplainInput): ContainerExplanation {
  const { need, hosts, scanner, rankers, ctx } = input;
  const counts = refusalCounts(input.verdict, scanner);
  const totalFiltered = counts.reduce((a, b) => a + b, 0);
  const filtered = selectFiltered(input, totalFiltered);
  const top: HostScore[] = [];
  for (let i = 0; i < scanner.top.size; i++) {
    top.push(hostScoreOf(hosts[scanner.top.indices[i]!]!, need, rankers, ctx, input.terms));
  }
  const topIds = new Set(top.map((t) => t.hostId));
  const explained = scanner.explainEligible
    .filter((index) => !topIds.has(hosts[index]!.id))
    .map((index) => hostScoreOf(hosts[index]!, need, rankers, ctx, input.terms));

  return {
    container: need.container,
    strategy: input.strategy,
    hostsEvaluated: hosts.length,
    hostsEligible: scanner.eligible,
    filtered,
    filteredCounts: countsByReason(counts),
    filteredOmitted: totalFiltered - filtered.length,
    top,
    ...(explained.length > 0 ? { explainedHosts: explained } : {}),
    ...(top[0] === undefined ? {} : { chosen: top[0].hostId }),
    decidedBy: decidedBy(input, top),
  };
}

function decidedBy(input: ExplainInput, top: readonly HostScore[]): string {
  const [first, second] = top;
  if (first === undefined) return 'no eligible host';
  const pin = input.need.pins[0];
  if (pin !== undefined) return `pinned by ${pin.source}`;
  if (second === undefined) return 'only eligible host';
  // Same integer score: the seeded tie rank decided (see pick.ts).
  if (Math.round(first.score * 100) === Math.round(second.score * 100)) return 'tie broken by seed';
  return input.winner;
}
