import { Wakeups } from '../../src/queue/wakeups.js';

describe('Wakeups', () => {
  it('never sleeps through a wake-up that came while the claimer was looking', async () => {
    const wakeups = new Wakeups();
    const version = wakeups.version('h1');
    wakeups.wake('h1'); // between reading the version and waiting
    const started = Date.now();
    await wakeups.wait('h1', version, 10_000);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('wakes the waiters of one host only', async () => {
    const wakeups = new Wakeups();
    let h1 = false;
    let h2 = false;
    const w1 = wakeups.wait('h1', wakeups.version('h1'), 10_000).then(() => (h1 = true));
    const w2 = wakeups.wait('h2', wakeups.version('h2'), 200).then(() => (h2 = true));
    wakeups.wake('h1');
    await w1;
    expect([h1, h2]).toEqual([true, false]);
    await w2;
  });

  it('ends a wait at its time, on abort, and on close (for later waits too)', async () => {
    const wakeups = new Wakeups();
    const started = Date.now();
    await wakeups.wait('h', 0, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const controller = new AbortController();
    const aborted = wakeups.wait('h', 0, 10_000, controller.signal);
    controller.abort();
    await aborted;
    const closed = wakeups.wait('h', 0, 10_000);
    wakeups.close();
    await closed;
    await wakeups.wait('h', 0, 10_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
