/**
 * The deterministic pick: the highest score wins; equal scores go to the lower seeded tie rank; equal
 * ranks (a 32-bit hash collision) to the lower host index, i.e. the smaller host id, since the plan sorts
 * hosts by id. Input order never decides.
 */
export function outranks(
  scoreA: number,
  tieA: number,
  indexA: number,
  scoreB: number,
  tieB: number,
  indexB: number,
): boolean {
  if (scoreA !== scoreB) return scoreA > scoreB;
  if (tieA !== tieB) return tieA < tieB;
  return indexA < indexB;
}

/**
 * The best few hosts of one scan, kept in a single pass without sorting the fleet. Reused across containers
 * (reset) so the scan allocates nothing.
 */
export class TopHosts {
  readonly indices: Int32Array;
  readonly scores: Float64Array;
  readonly ties: Float64Array;
  size = 0;

  constructor(readonly capacity: number = 3) {
    this.indices = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
  }

  reset(): void {
    this.size = 0;
  }

  offer(index: number, score: number, tie: number): void {
    let pos = this.size;
    // Walk up from the end while the newcomer outranks the entry before it.
    while (pos > 0) {
      const prev = pos - 1;
      if (!outranks(score, tie, index, this.scores[prev]!, this.ties[prev]!, this.indices[prev]!)) break;
      pos = prev;
    }
    if (pos >= this.capacity) return;
    const last = Math.min(this.size, this.capacity - 1);
    for (let i = last; i > pos; i--) {
      this.indices[i] = this.indices[i - 1]!;
      this.scores[i] = this.scores[i - 1]!;
      this.ties[i] = this.ties[i - 1]!;
    }
    this.indices[pos] = index;
    this.scores[pos] = score;
    this.ties[pos] = tie;
    if (this.size < this.capacity) this.size++;
  }
}
