import type { FilteredHost } from '../models/placement.js';
import type { FleetColumns } from './hostState.js';
import type { ContainerNeed } from './need.js';
import { CHECKERS } from './pipeline.js';
import type { Ranker } from './rankers.js';
import { staticKey, type StaticVerdict } from './staticVerdict.js';

/**
 * Containers that ask the same of a host — same static constraints, same capacity demands, same memory
 * reservation — get the same verdict from every checker but the "suspects" ones (ports) and the same score
 * from every ranker but the sparse ones (affinity), on every host. A DemandClass keeps that verdict and score
 * per host for the whole plan, plus a heap of its eligible hosts by score. Only placements change hosts, so
 * on each use the class re-evaluates just the hosts placed on since its last use (the placement log): a
 * container costs those few hosts and a peek at the top of the heap, not a pass over the fleet.
 *
 * A stack of 100k containers on 5k hosts is 5·10⁸ (container, host) pairs; with classes it is roughly
 * containers × classes heap updates. A stack whose containers all differ degrades to one pass per container.
 */

// The class decides capacity checkers for all its containers and the scan asks suspects checkers per
// container, after them; a dynamic checker of neither kind would be skipped, so refuse to load.
{
  let seenSuspects = false;
  for (const c of CHECKERS) {
    if (!c.dynamic) continue;
    if (c.capacity === undefined && c.suspects === undefined) {
      throw new Error(`dynamic checker ${c.name} needs a capacity rule or suspects`);
    }
    if (c.suspects !== undefined) seenSuspects = true;
    else if (seenSuspects) throw new Error(`capacity checker ${c.name} must come before the suspects checkers`);
  }
}

const NOT_CANDIDATE = -1;
const ELIGIBLE = 0;

interface CapacityTest {
  pos: number;
  column: Float64Array;
  demand: number;
}

interface LimitTerm {
  column: Float64Array;
  limit: Float64Array;
  demand: number;
  centi: number;
}

/** Scratch marks for DemandClass.sync, one per host, shared by the classes of a plan. */
export class SyncStamps {
  readonly stamps: Uint32Array;
  current = 0;
  constructor(size: number) {
    this.stamps = new Uint32Array(size);
  }
}

/** Containers with equal keys belong to one class. */
export function demandKey(need: ContainerNeed, rankers: readonly Ranker[]): string {
  const parts: (string | number)[] = [staticKey(need)];
  for (const c of CHECKERS) if (c.capacity !== undefined) parts.push(c.capacity.demand(need));
  for (const r of rankers) if (r.fast?.kind === 'overLimit') parts.push(r.fast.demand(need));
  return parts.join('|');
}

export class DemandClass {
  /** Refused hosts by CHECKERS position (capacity checkers), in the order they were refused. */
  readonly refused: (Set<number> | undefined)[] = CHECKERS.map(() => undefined);
  readonly counts = new Int32Array(CHECKERS.length);
  /** Refusal entries for the explanation, valid until the host changes. */
  readonly entries = new Map<number, FilteredHost>();
  /** Host index → NOT_CANDIDATE (refused statically), ELIGIBLE, or the refusing CHECKERS position + 1. */
  private readonly state: Int8Array;
  /** Score of each eligible host for this class: host-only terms + overLimit terms, hundredths. */
  readonly score: Float64Array;
  private readonly heap: Int32Array;
  private readonly heapPos: Int32Array;
  private heapSize = 0;
  private syncedTo: number;
  private readonly tests: CapacityTest[] = [];
  private readonly limits: LimitTerm[] = [];
  private readonly tie: Float64Array;
  private readonly hostScore: Float64Array;
  /** False while the constructor fills the heap (heapified at once at the end). */
  private built = false;

  constructor(
    readonly verdict: StaticVerdict,
    need: ContainerNeed,
    rankers: readonly Ranker[],
    columns: FleetColumns,
    /** Placements already in the log (the class starts from the current state). */
    logLength: number,
  ) {
    const size = columns.size;
    this.state = new Int8Array(size).fill(NOT_CANDIDATE);
    this.score = new Float64Array(size);
    this.heap = new Int32Array(size);
    this.heapPos = new Int32Array(size).fill(-1);
    this.tie = columns.tie;
    this.hostScore = columns.score;
    this.syncedTo = logLength;
    CHECKERS.forEach((checker, pos) => {
      const capacity = checker.capacity;
      if (checker.dynamic && capacity !== undefined && checker.applies(need)) {
        this.tests.push({ pos, column: columns[capacity.column], demand: capacity.demand(need) });
      }
    });
    for (const r of rankers) {
      if (r.hostOnly) continue;
      const fast = r.fast;
      if (fast === undefined) throw new Error(`ranker ${r.name} depends on the container but has no fast form`);
      if (fast.kind === 'overLimit') {
        this.limits.push({
          column: columns[fast.column],
          limit: columns[fast.limit],
          demand: fast.demand(need),
          centi: fast.centi,
        });
      }
    }
    for (const h of verdict.candidates) this.evaluate(h);
    // Floyd's heapify over the eligible hosts collected by evaluate().
    for (let p = (this.heapSize >> 1) - 1; p >= 0; p--) this.siftDown(p);
    this.built = true;
  }

  get eligibleCount(): number {
    return this.heapSize;
  }

  isEligible(h: number): boolean {
    return this.state[h] === ELIGIBLE;
  }

  /** The CHECKERS position that refused the host dynamically, or -1. */
  refusedBy(h: number): number {
    const s = this.state[h]!;
    return s > ELIGIBLE ? s - 1 : -1;
  }

  /**
   * Re-evaluate the hosts placed on since the last use. A host placed on several times is re-evaluated once
   * (from its current columns); `seen` is scratch of fleet size shared by all classes of a plan.
   */
  sync(log: readonly number[], seen: SyncStamps): void {
    const stamp = ++seen.current;
    for (let j = log.length - 1; j >= this.syncedTo; j--) {
      const h = log[j]!;
      if (seen.stamps[h] === stamp || this.state[h] === NOT_CANDIDATE) continue;
      seen.stamps[h] = stamp;
      this.entries.delete(h);
      const before = this.state[h]!;
      if (before > ELIGIBLE) {
        this.counts[before - 1]! -= 1;
        this.refused[before - 1]!.delete(h);
      }
      this.evaluate(h);
      const p = this.heapPos[h]!;
      if (p >= 0 && this.state[h] === ELIGIBLE) {
        this.siftUp(p);
        this.siftDown(this.heapPos[h]!);
      }
    }
    this.syncedTo = log.length;
  }

  /** Calls `emit` for the best `count` eligible hosts `skip` lets through, best first (best-first heap walk). */
  best(count: number, skip: (h: number) => boolean, emit: (h: number) => void): void {
    const frontier: number[] = this.heapSize > 0 ? [0] : [];
    let emitted = 0;
    while (emitted < count && frontier.length > 0) {
      let bi = 0;
      for (let f = 1; f < frontier.length; f++) {
        if (this.before(this.heap[frontier[f]!]!, this.heap[frontier[bi]!]!)) bi = f;
      }
      const p = frontier[bi]!;
      frontier[bi] = frontier[frontier.length - 1]!;
      frontier.pop();
      const h = this.heap[p]!;
      if (!skip(h)) {
        emit(h);
        emitted++;
      }
      const left = 2 * p + 1;
      if (left < this.heapSize) frontier.push(left);
      if (left + 1 < this.heapSize) frontier.push(left + 1);
    }
  }

  /** Verdict and score of one (static candidate) host from its current columns; keeps heap membership right. */
  private evaluate(h: number): void {
    let state = ELIGIBLE;
    for (const t of this.tests) {
      if (t.demand > t.column[h]!) {
        state = t.pos + 1;
        break;
      }
    }
    this.state[h] = state;
    if (state !== ELIGIBLE) {
      this.counts[state - 1]! += 1;
      let set = this.refused[state - 1];
      if (set === undefined) this.refused[state - 1] = set = new Set();
      set.add(h);
      if (this.heapPos[h]! >= 0) this.heapRemove(h);
      return;
    }
    let score = this.hostScore[h]!;
    for (const l of this.limits) if (l.column[h]! + l.demand > l.limit[h]!) score += l.centi;
    this.score[h] = score;
    if (this.heapPos[h]! < 0) {
      // During construction the heap is built afterwards; later, insert and sift.
      this.heap[this.heapSize] = h;
      this.heapPos[h] = this.heapSize;
      this.heapSize++;
      if (this.built) this.siftUp(this.heapSize - 1);
    }
  }

  /** The pick order of pick.ts: higher score, then lower tie rank, then lower index. */
  private before(a: number, b: number): boolean {
    const sa = this.score[a]!;
    const sb = this.score[b]!;
    if (sa !== sb) return sa > sb;
    const ta = this.tie[a]!;
    const tb = this.tie[b]!;
    if (ta !== tb) return ta < tb;
    return a < b;
  }

  private heapRemove(h: number): void {
    const p = this.heapPos[h]!;
    const last = --this.heapSize;
    this.heapPos[h] = -1;
    if (p === last) return;
    const moved = this.heap[last]!;
    this.heap[p] = moved;
    this.heapPos[moved] = p;
    this.siftUp(p);
    this.siftDown(this.heapPos[moved]!);
  }

  private siftUp(p: number): void {
    const heap = this.heap;
    const h = heap[p]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const ph = heap[parent]!;
      if (!this.before(h, ph)) break;
      heap[p] = ph;
      this.heapPos[ph] = p;
      p = parent;
    }
    heap[p] = h;
    this.heapPos[h] = p;
  }

  private siftDown(p: number): void {
    const heap = this.heap;
    const n = this.heapSize;
    const h = heap[p]!;
    for (;;) {
      const left = 2 * p + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(heap[right]!, heap[left]!) ? right : left;
      const ch = heap[child]!;
      if (!this.before(ch, h)) break;
      heap[p] = ch;
      this.heapPos[ch] = p;
      p = child;
    }
    heap[p] = h;
    this.heapPos[h] = p;
  }
}
