/**
 * Seeds and tie-break ranks. Placement must give the same answer for the same input, so equal scores are
 * never settled by input order or Math.random(): the seed comes from the stack id (or the caller), and each
 * host gets a rank hash(seed, hostId). Different stacks thus break ties differently (spreading load across
 * equal hosts), while re-planning one stack is stable.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a 32-bit over the UTF-8 bytes of `text`, continuing from `hash`. */
export function fnv1a(text: string, hash: number = FNV_OFFSET): number {
  let h = hash >>> 0;
  for (const byte of utf8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/** The default seed of a stack's plans: FNV-1a 32-bit of its id. */
export function seedFromStackId(stackId: string): number {
  return fnv1a(stackId);
}

/**
 * The tie-break rank of a host under a seed; lower wins. FNV-1a alone mixes the last bytes poorly (vm1,
 * vm2, … would rank in near id order), so the result goes through murmur3's 32-bit finalizer.
 */
export function tieRank(seed: number, hostId: string): number {
  let h = FNV_OFFSET;
  for (let shift = 0; shift < 32; shift += 8) {
    h ^= (seed >>> shift) & 0xff;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  h = fnv1a(hostId, h);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
