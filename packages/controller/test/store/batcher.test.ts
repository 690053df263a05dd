import { Batcher } from '../../src/store/batcher.js';

describe('Batcher (group commit)', () => {
  it('sends items submitted together in one request and gives each caller its own result', async () => {
    const sent: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      sent.push(items);
      return items.map((n) => n * 10);
    });
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([10, 20, 30]);
    expect(sent).toEqual([[1, 2, 3]]);
  });

  it('collects what arrives while requests are in flight into the next request', async () => {
    const sent: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new Batcher<number, number>(
      async (items) => {
        sent.push(items);
        if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items;
      },
      { maxInFlight: 1 },
    );
    const first = batcher.submit(0);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    release();
    await first;
    expect(await later).toEqual([1, 2, 3, 4]);
    expect(sent).toEqual([[0], [1, 2, 3, 4]]);
  });

  it('with lingerMs, a lone item waits that long for others to share its request', async () => {
    jest.useFakeTimers();
    try {
      const sent: number[][] = [];
      const batcher = new Batcher<number, number>(
        async (items) => {
          sent.push(items);
          return items;
        },
        { lingerMs: 50 },
      );
      const first = batcher.submit(1);
      await jest.advanceTimersByTimeAsync(20);
      expect(sent).toEqual([]);
      const second = batcher.submit(2);
      await jest.advanceTimersByTimeAsync(30);
      expect(await Promise.all([first, second])).toEqual([1, 2]);
      expect(sent).toEqual([[1, 2]]);
      // Nothing in flight again: the next lone item waits its own window.
      const third = batcher.submit(3);
      await jest.advanceTimersByTimeAsync(49);
      expect(sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(await third).toBe(3);
      expect(sent).toEqual([[1, 2], [3]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('splits at maxBatch and fails every item of a failed request, not the others', async () => {
    const batcher = new Batcher<number, number>(
      async (items) => {
        if (items.includes(3)) throw new Error('store down');
        return items;
      },
      { maxBatch: 2 },
    );
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    await batcher.drained();
  });

  it('rejects a request that answered the wrong number of results', async () => {
    const batcher = new Batcher<number, number>(async () => []);
    await expect(batcher.submit(1)).rejects.toThrow('0 results for 1 items');
  });
});
