/**
 * FailoverSweep with fakes: which stacks each sweep hands to failover, with which options, and what it does
 * when reconciling a stack fails.
 */
import type { HostDocument, StackDocument, StackStatus } from '@graphium/shared';
import pino from 'pino';
import type { FailoverOutcome, ReconcileOptions } from '../../src/stacks/failover.js';
import { FailoverSweep } from '../../src/stacks/failoverSweep.js';

function harness(options: { recheckEvery?: number; repairEvery?: number; concurrency?: number } = {}) {
  const fleet = new Map<string, HostDocument['status']>([
    ['h1', 'online'],
    ['h2', 'online'],
  ]);
  const onHosts = new Map<string, string[]>();
  const byStatus = new Map<StackStatus, string[]>();
  const calls: Array<[string, ReconcileOptions | undefined]> = [];
  const failing = new Set<string>();
  const logged: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sweep = new FailoverSweep({
    ...options,
    log: pino({ level: 'warn' }, { write: (line: string) => logged.push((JSON.parse(line) as { event: unknown }).event) }),
    hosts: { list: async () => [...fleet.entries()].map(([hostId, status]) => ({ hostId, status }) as HostDocument) },
    repository: {
      stacksOnHosts: async (ids: readonly string[]) => [...new Set(ids.flatMap((id) => onHosts.get(id) ?? []))],
      allIn: async (status: StackStatus) => (byStatus.get(status) ?? []).map((id) => ({ '@id': id }) as StackDocument),
    },
    failover: {
      reconcile: async (stackId: string, reconcileOptions?: ReconcileOptions): Promise<FailoverOutcome> => {
        calls.push([stackId, reconcileOptions]);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (failing.has(stackId)) throw new Error('store down');
        return 'none';
      },
    },
  });
  const run = async () => {
    calls.length = 0;
    await sweep.sweep();
    return Object.fromEntries(calls.map(([id, o]) => [id, o?.repair === true ? 'repair' : 'look']));
  };
  return { fleet, onHosts, byStatus, failing, logged, run, maxInFlight: () => maxInFlight };
}

describe('FailoverSweep', () => {
  it('looks at every stack with a container on an offline host, each once', async () => {
    const h = harness({ repairEvery: 1_000, recheckEvery: 1_000 });
    h.onHosts.set('h1', ['stack:a', 'stack:b']);
    h.onHosts.set('h2', ['stack:b']);
    await h.run(); // first sweep: also the degraded and deploying catch-up (none here)
    expect(await h.run()).toEqual({});
    h.fleet.set('h1', 'offline');
    h.fleet.set('h2', 'offline');
    expect(await h.run()).toEqual({ 'stack:a': 'look', 'stack:b': 'look' });
    // Still offline: looked at again on every sweep (what could not move is tried again).
    expect(await h.run()).toEqual({ 'stack:a': 'look', 'stack:b': 'look' });
  });

  it('looks at degraded stacks on the first sweep, when a host comes online, and every recheckEvery sweeps', async () => {
    const h = harness({ repairEvery: 1_000, recheckEvery: 4 });
    h.byStatus.set('degraded', ['stack:d']);
    expect(await h.run()).toEqual({ 'stack:d': 'look' }); // sweep 0: the first
    expect(await h.run()).toEqual({});
    h.fleet.set('h3', 'online'); // a host joins
    expect(await h.run()).toEqual({ 'stack:d': 'look' });
    expect(await h.run()).toEqual({});
    expect(await h.run()).toEqual({ 'stack:d': 'look' }); // sweep 4: the periodic look
    h.fleet.set('h1', 'offline');
    expect(await h.run()).toEqual({});
    h.fleet.set('h1', 'online'); // back
    expect(await h.run()).toEqual({ 'stack:d': 'look' });
    expect(await h.run()).toEqual({});
  });

  it('checks deploying stacks for cut-short failover operations on the first sweep and every repairEvery sweeps', async () => {
    const h = harness({ repairEvery: 2, recheckEvery: 1_000 });
    h.byStatus.set('deploying', ['stack:x']);
    expect(await h.run()).toEqual({ 'stack:x': 'repair' });
    expect(await h.run()).toEqual({});
    expect(await h.run()).toEqual({ 'stack:x': 'repair' });
  });

  it('logs a stack whose reconcile failed and looks at it again, with repair, until it succeeds', async () => {
    const h = harness({ repairEvery: 1_000, recheckEvery: 1_000 });
    h.fleet.set('h1', 'offline');
    h.onHosts.set('h1', ['stack:a', 'stack:b']);
    h.failing.add('stack:a');
    expect(await h.run()).toEqual({ 'stack:a': 'look', 'stack:b': 'look' });
    expect(h.logged).toEqual(['stack.failover_failed']);
    h.onHosts.set('h1', ['stack:b']);
    expect(await h.run()).toEqual({ 'stack:a': 'repair', 'stack:b': 'look' });
    h.failing.clear();
    expect(await h.run()).toEqual({ 'stack:a': 'repair', 'stack:b': 'look' });
    expect(await h.run()).toEqual({ 'stack:b': 'look' });
  });

  it('reconciles a few stacks at a time', async () => {
    const h = harness({ concurrency: 2 });
    h.fleet.set('h1', 'offline');
    h.onHosts.set('h1', ['s1', 's2', 's3', 's4', 's5']);
    expect(Object.keys(await h.run()).sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(h.maxInFlight()).toBe(2);
  });
});
