import { containerExplanation, planExplanation } from '../../src/models/placement.js';
import { plan } from '../../src/placement/index.js';
import { GIB, host, load, names, stack } from './fixtures.js';

const opts = { stackId: 'stack:test' };

function fleet(n: number, over: (i: number) => Parameters<typeof host>[1] = () => ({})) {
  return Array.from({ length: n }, (_, i) => host(`h${String(i).padStart(3, '0')}`, over(i)));
}

describe('placement explanation', () => {
  it('is valid against the stored schema', () => {
    const hosts = fleet(6, (i) => ({ status: i === 0 ? 'offline' : 'online', load: load(i * 10, 0.1 * i, i) }));
    const result = plan({ hosts }, stack(names(4)), opts);
    expect(planExplanation.parse(result.explanation)).toEqual(result.explanation);
  });

  it('lists filtered hosts with their reason and counts every reason', () => {
    const hosts = [
      host('h1', { status: 'offline' }),
      host('h2', { status: 'draining' }),
      host('h3', { labels: { disk: 'hdd' } }),
      host('h4', { labels: { disk: 'ssd' }, usedHostPorts: [443] }),
      host('h5', { labels: { disk: 'ssd' } }),
    ];
    const s = stack([{ name: 'web', ports: [{ containerPort: 443, hostPort: 443 }] }], {
      hostConstraints: [{ labels: { disk: 'ssd' } }],
    });
    const e = plan({ hosts }, s, opts).explanation.web!;
    expect(e).toMatchObject({
      container: 'web',
      strategy: 'auto',
      hostsEvaluated: 5,
      hostsEligible: 1,
      filteredCounts: { offline: 2, labels: 1, port: 1 },
      filteredOmitted: 0,
      chosen: 'h5',
      decidedBy: 'only eligible host',
    });
    expect(e.filtered).toEqual([
      { hostId: 'h1', reason: 'offline', message: 'host is offline' },
      { hostId: 'h2', reason: 'offline', message: 'host is draining' },
      { hostId: 'h3', reason: 'labels', message: 'label disk=hdd, needs ssd' },
      { hostId: 'h4', reason: 'port', message: 'host port 443/tcp already taken' },
    ]);
  });

  it('caps the filtered list at explainLimit, one of each reason first, and keeps full counts', () => {
    const hosts = fleet(60, (i) => (i < 40 ? { status: 'offline' } : i < 55 ? { datacenter: 'dc2' } : {}));
    const s = stack([{ name: 'web' }], { hostConstraints: [{ requiredDatacenter: 'dc1' }] });
    const e = plan({ hosts }, s, { ...opts, explainLimit: 5 }).explanation.web!;
    expect(e.filteredCounts).toEqual({ offline: 40, datacenter: 15 });
    expect(e.filtered).toHaveLength(5);
    expect(e.filteredOmitted).toBe(50);
    expect(e.filtered.map((f) => f.reason)).toEqual(['offline', 'offline', 'offline', 'datacenter', 'datacenter']);
  });

  it('always lists explainHosts when they were filtered, and scores them when eligible', () => {
    const hosts = fleet(50, (i) => (i < 45 ? { status: 'offline' } : {}));
    const e = plan({ hosts }, stack([{ name: 'web' }]), { ...opts, explainLimit: 2, explainHosts: ['h044', 'h049', 'h046'] })
      .explanation.web!;
    expect(e.filtered.map((f) => f.hostId)).toEqual(['h000', 'h001', 'h044']);
    expect(e.filteredOmitted).toBe(45 - 3);
    const scored = [...e.top, ...(e.explainedHosts ?? [])].map((s) => s.hostId);
    expect(scored).toEqual(expect.arrayContaining(['h046', 'h049']));
    expect(e.explainedHosts?.every((s) => !e.top.some((t) => t.hostId === s.hostId))).toBe(true);
  });

  it('explains dynamic refusals (cpu, memory) with the plan so far', () => {
    const hosts = [host('h1'), host('h2', { resources: { cpus: 2, memory: 8 * GIB } })];
    const reserve = (cpus: number) => ({ resources: { reservations: { cpus } } });
    const s = stack([{ name: 'a', ...reserve(3) }, { name: 'b', ...reserve(2) }]);
    const e = plan({ hosts }, s, opts).explanation.b!;
    expect(e.chosen).toBe('h2');
    expect(e.filtered).toEqual([
      { hostId: 'h1', reason: 'cpu', message: 'needs 2 CPUs, host has 1 CPU free (4 CPUs minus 3 CPUs reserved by this plan)' },
    ]);
  });

  it('gives the top 3 best first, with terms that sum to the score', () => {
    const hosts = fleet(5, (i) => ({ load: load(10 * i, 0.1 * i, i) }));
    const e = plan({ hosts }, stack([{ name: 'web' }]), opts).explanation.web!;
    expect(e.top.map((t) => t.hostId)).toEqual(['h000', 'h001', 'h002']);
    expect(e.chosen).toBe(e.top[0]!.hostId);
    for (const t of e.top) {
      expect(t.terms.map((x) => x.name)).toEqual(['base', 'cpu', 'memory', 'load', 'datacenter', 'affinity', 'memoryPressure']);
      expect(t.terms.reduce((sum, x) => sum + x.value, 0)).toBeCloseTo(t.score, 9);
    }
    const scores = e.top.map((t) => t.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(e.top[0]!.terms[1]).toEqual({ name: 'cpu', value: 30, detail: '0% busy (0% live + 0% reserved by this plan) of 4 CPUs' });
  });

  it('explains a failed container without a chosen host', () => {
    const e = plan({ hosts: [host('h1', { status: 'offline' })] }, stack([{ name: 'web' }]), opts).explanation.web!;
    expect(containerExplanation.parse(e)).toEqual(e);
    expect(e.chosen).toBeUndefined();
    expect(e.top).toEqual([]);
    expect(e.decidedBy).toBe('no eligible host');
  });

  it('lists explanation entries in declaration order even when dependencies reorder placement', () => {
    const result = plan({ hosts: fleet(2) }, stack([{ name: 'web', dependsOn: [{ name: 'db' }] }, { name: 'db' }]), opts);
    expect(Object.keys(result.explanation)).toEqual(['web', 'db']);
    expect(result.ok && Object.keys(result.placements)).toEqual(['web', 'db']);
  });
});
