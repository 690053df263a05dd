/**
 * Paging by key range (the embedded store never returns Mango bookmarks; STORE-NOTES). Sort keys are not
 * unique — a deploy writes all its tasks with one timestamp — so a position is the last key seen plus how
 * many rows with exactly that key to skip. Rows with equal keys come in document-id order on both stores,
 * so the skip lands where the previous page stopped.
 */
export interface KeyPosition {
  /** Last key seen; the next page starts at it (inclusive). Absent: from the start. */
  key?: string | undefined;
  /** Rows with exactly `key` already seen (and still in the range). */
  skip: number;
}

export const START: KeyPosition = { skip: 0 };

/**
 * Where the next page starts. `keys` are the sort keys of the page's rows in order; `kept` says which of
 * them are still in the queried range (a claimed candidate leaves the `pending` range, so it must not be
 * skipped over again).
 */
export function nextPosition(previous: KeyPosition, keys: readonly string[], kept: (index: number) => boolean = () => true): KeyPosition {
  const last = keys[keys.length - 1];
  if (last === undefined) return previous;
  let tied = 0;
  keys.forEach((key, i) => {
    if (key === last && kept(i)) tied += 1;
  });
  return { key: last, skip: last === previous.key ? previous.skip + tied : tied };
}

/** Mango range condition for a page (`$gte` ascending, `$lte` descending); strings only. */
export function rangeCondition(position: KeyPosition, direction: 'asc' | 'desc'): Record<string, string> {
  if (position.key === undefined) return { $gte: '' };
  return direction === 'asc' ? { $gte: position.key } : { $lte: position.key };
}

/** The opaque cursor handed to API clients. */
export function encodeCursor(position: KeyPosition): string {
  return Buffer.from(JSON.stringify({ k: position.key, s: position.skip })).toString('base64url');
}

/** undefined for a cursor this code did not make. */
export function decodeCursor(cursor: string): KeyPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { k, s } = value as { k?: unknown; s?: unknown };
    if (typeof k !== 'string' || typeof s !== 'number' || !Number.isInteger(s) || s < 0) return undefined;
    return { key: k, skip: s };
  } catch {
    return undefined;
  }
}
