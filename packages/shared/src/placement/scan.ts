import type { FilteredHost } from '../models/placement.js';
import type { Checker } from './checkers.js';
import { SyncStamps, type DemandClass } from './demandClass.js';
import type { FleetColumns, HostState } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { TopHosts } from './pick.js';
import { CHECKERS } from './pipeline.js';
import type { RankContext, Ranker } from './rankers.js';

/**
 * One container's look at the fleet, on top of its DemandClass (which holds the verdicts and scores shared
 * by alike containers): the checkers that depend on this very container (ports, via their suspects), the
 * sparse ranker terms (affinity), the top 3, and what the explanation needs — full refusal counts, a few
 * refused hosts per reason, the hosts the caller asked about. One Scanner is reused for every container.
 */
export class Scanner {
  readonly top = new TopHosts(3);
  /** Dynamic refusals by CHECKERS position. */
  readonly counts = new Int32Array(CHECKERS.length);
  /** The first refused host indices per CHECKERS position (dynamic positions), at most sampleLimit. */
  readonly samples: number[][] = CHECKERS.map(() => []);
  /** Hosts the caller asked about: refused dynamically (index, CHECKERS position) and eligible ones. */
  readonly explainRefused: Array<readonly [number, number]> = [];
  readonly explainEligible: number[] = [];
  eligible = 0;
  private cls: DemandClass | undefined;
  private need: ContainerNeed | undefined;
  /** Hosts refused by a suspects checker for this container → CHECKERS position. */
  private readonly ownRefusals = new Map<number, number>();
  /** Sparse ranker terms of this container by host (affinity). */
  private readonly bonus = new Map<number, number>();
  // Made once: DemandClass.best calls them per visited host.
  private readonly skip = (h: number): boolean => this.ownRefusals.has(h) || this.bonus.has(h);
  private readonly emit = (h: number): void => this.top.offer(h, this.cls!.score[h]!, this.columns.tie[h]!);
  private readonly stamps: SyncStamps;

  constructor(
    private readonly hosts: readonly HostState[],
    private readonly columns: FleetColumns,
    private readonly explainIndices: readonly number[],
    private readonly sampleLimit: number,
  ) {
    this.stamps = new SyncStamps(hosts.length);
  }

  scan(
    cls: DemandClass,
    log: readonly number[],
    need: ContainerNeed,
    rankers: readonly Ranker[],
    ctx: RankContext,
  ): void {
    this.reset(cls, need);
    cls.sync(log, this.stamps);
    const own = this.ownRefusals;

    // Checkers with suspects, in pipeline order; a host already refused keeps its first reason.
    CHECKERS.forEach((checker: Checker, pos) => {
      if (!checker.dynamic || checker.suspects === undefined || !checker.applies(need)) return;
      for (const h of checker.suspects(need, this.columns)) {
        if (cls.isEligible(h) && !own.has(h) && !checker.passes(this.hosts[h]!, need)) own.set(h, pos);
      }
    });
    this.counts.set(cls.counts);
    for (const pos of own.values()) this.counts[pos]! += 1;
    this.eligible = cls.eligibleCount - own.size;

    // Samples: capacity refusals in the class's order, own refusals by index.
    CHECKERS.forEach((checker, pos) => {
      if (!checker.dynamic) return;
      const sample = this.samples[pos]!;
      for (const h of cls.refused[pos] ?? []) {
        if (sample.length >= this.sampleLimit) break;
        sample.push(h);
      }
    });
    for (const [h, pos] of [...own].sort(([a], [b]) => a - b)) {
      const sample = this.samples[pos]!;
      if (sample.length < this.sampleLimit) sample.push(h);
    }

    // Sparse terms apply to a few hosts: score those apart, walk the heap for the rest.
    const bonus = this.bonus;
    for (const r of rankers) {
      if (r.fast?.kind !== 'sparse') continue;
      for (const [h, centi] of r.fast.hosts(need, ctx)) bonus.set(h, (bonus.get(h) ?? 0) + centi);
    }
    cls.best(this.top.capacity, this.skip, this.emit);
    const tie = this.columns.tie;
    for (const [h, centi] of bonus) {
      if (cls.isEligible(h) && !own.has(h)) this.top.offer(h, cls.score[h]! + centi, tie[h]!);
    }

    for (const h of this.explainIndices) {
      const pos = own.get(h) ?? cls.refusedBy(h);
      if (pos >= 0) this.explainRefused.push([h, pos]);
      else if (cls.isEligible(h)) this.explainEligible.push(h);
    }
  }

  /** The refusal entry of a dynamically refused host; capacity ones are cached by the class until the host changes. */
  entry(index: number, pos: number): FilteredHost {
    const checker = CHECKERS[pos]!;
    const host = this.hosts[index]!;
    const make = (): FilteredHost => ({
      hostId: host.id,
      reason: checker.name,
      message: checker.explain(host, this.need!),
    });
    if (this.ownRefusals.has(index) || this.cls === undefined) return make();
    let entry = this.cls.entries.get(index);
    if (entry === undefined) {
      entry = make();
      this.cls.entries.set(index, entry);
    }
    return entry;
  }

  private reset(cls: DemandClass, need: ContainerNeed): void {
    this.cls = cls;
    this.need = need;
    this.top.reset();
    this.counts.fill(0);
    for (const s of this.samples) s.length = 0;
    this.explainRefused.length = 0;
    this.explainEligible.length = 0;
    // Map.clear() allocates a fresh table even when empty: skip it in the common case.
    if (this.ownRefusals.size > 0) this.ownRefusals.clear();
    if (this.bonus.size > 0) this.bonus.clear();
    this.eligible = 0;
  }
}
