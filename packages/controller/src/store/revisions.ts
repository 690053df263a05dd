/**
 * Revision order as CouchDB picks a winning revision: the higher generation (the number before the dash),
 * then the higher revision string. Caches fed by the `_changes` feed and by their own writes use it so a
 * late or repeated delivery never rolls a document back.
 */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Negative when `a` is older than `b`, 0 when the same, positive when newer. */
export function revisionOrder(a: string, b: string): number {
  const generation = (rev: string): number => Number.parseInt(rev, 10) || 0;
  return generation(a) - generation(b) || compare(a, b);
}

/** Whether a version with revision `candidate` should replace one with `known` (absent revisions: yes). */
export function isNewerRevision(candidate: string | undefined, known: string | undefined): boolean {
  return candidate === undefined || known === undefined || revisionOrder(candidate, known) > 0;
}
