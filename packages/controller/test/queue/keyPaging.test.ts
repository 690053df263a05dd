import { decodeCursor, encodeCursor, nextPosition, rangeCondition, START } from '../../src/queue/keyPaging.js';

/** Pages a sorted list the way the store does: from `key` (inclusive), skipping `skip` rows. */
function page(rows: string[], position: { key?: string | undefined; skip: number }, limit: number): string[] {
  const from = position.key === undefined ? 0 : rows.findIndex((row) => row >= (position.key as string));
  return from < 0 ? [] : rows.slice(from + position.skip, from + position.skip + limit);
}

describe('key paging', () => {
  it.each([1, 2, 3, 5, 10])('covers rows with long runs of equal keys exactly once (page size %i)', (limit) => {
    const rows = ['a', 'b', 'b', 'b', 'b', 'b', 'c', 'd', 'd', 'e'];
    const seen: string[] = [];
    let position = START;
    for (let n = 0; n < 20; n += 1) {
      const rowsOfPage = page(rows, position, limit);
      seen.push(...rowsOfPage);
      if (rowsOfPage.length < limit) break;
      position = nextPosition(position, rowsOfPage);
    }
    expect(seen).toEqual(rows);
  });

  it('does not skip over rows that left the range', () => {
    // Of a page [b, b, b] the first two were claimed: only the third still counts.
    expect(nextPosition(START, ['b', 'b', 'b'], (i) => i === 2)).toEqual({ key: 'b', skip: 1 });
  });

  it('gives Mango conditions in either direction', () => {
    expect(rangeCondition(START, 'asc')).toEqual({ $gte: '' });
    expect(rangeCondition({ key: 'k', skip: 2 }, 'asc')).toEqual({ $gte: 'k' });
    expect(rangeCondition({ key: 'k', skip: 2 }, 'desc')).toEqual({ $lte: 'k' });
  });

  it('round-trips cursors and refuses foreign ones', () => {
    expect(decodeCursor(encodeCursor({ key: '2030-01-01', skip: 3 }))).toEqual({ key: '2030-01-01', skip: 3 });
    for (const bad of ['', 'xyz', Buffer.from('{"k":1}').toString('base64url'), Buffer.from('{"k":"a","s":-1}').toString('base64url')]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
