import fc from 'fast-check';
import type { HostSnapshot } from '../../src/models/host.js';
import type { StackSpec } from '../../src/models/stackSpec.js';
import {
  BASE_SCORE,
  CHECKERS,
  HostState,
  needOf,
  placementOrder,
  plan,
  rankersFor,
  seedFromStackId,
  tieRank,
  type PlanResult,
} from '../../src/placement/index.js';
import { GIB, host, stack } from './fixtures.js';

const STRATEGIES = ['auto', 'manual', 'spread', 'datacenter'] as const;

const hostArb = (id: string): fc.Arbitrary<HostSnapshot> =>
  fc
    .record({
      status: fc.constantFrom('online', 'online', 'online', 'offline', 'draining'),
      datacenter: fc.constantFrom('dc1', 'dc2', undefined),
      ssd: fc.boolean(),
      cpus: fc.constantFrom(1, 2, 4, 8),
      memory: fc.constantFrom(1, 2, 4, 8),
      cpuPercent: fc.integer({ min: 0, max: 100 }),
      usedFraction: fc.constantFrom(0, 0.25, 0.5, 0.85, 0.95),
      containers: fc.integer({ min: 0, max: 12 }),
      heartbeat: fc.boolean(),
      ports: fc.subarray([80, 443]),
    })
    .map((r) =>
      host(id, {
        status: r.status as HostSnapshot['status'],
        datacenter: r.datacenter,
        labels: { disk: r.ssd ? 'ssd' : 'hdd' },
        resources: { cpus: r.cpus, memory: r.memory * GIB },
        load: r.heartbeat
          ? {
              cpuPercent: r.cpuPercent,
              memoryUsed: Math.round(r.memory * GIB * r.usedFraction),
              memoryAvailable: r.memory * GIB - Math.round(r.memory * GIB * r.usedFraction),
              containerCount: r.containers,
            }
          : undefined,
        usedHostPorts: r.ports,
      }),
    );

const fleetArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostArb(`h${i}`))));

const containerArb = (i: number) =>
  fc
    .record({
      cpus: fc.constantFrom(undefined, 0.5, 1, 2),
      memory: fc.constantFrom(undefined, 0.5, 1, 2),
      port: fc.constantFrom(undefined, undefined, 80, 443, 8080),
      dep: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      pin: fc.option(fc.constantFrom('h0', 'h1', 'h9'), { freq: 8, nil: undefined }),
    })
    .map((r) => ({
      name: `c${i}`,
      ...(r.cpus || r.memory
        ? { resources: { reservations: { cpus: r.cpus, memory: r.memory ? r.memory * GIB : undefined } } }
        : {}),
      ...(r.port ? { ports: [{ containerPort: 80, hostPort: r.port }] } : {}),
      ...(r.dep !== undefined && r.dep < i ? { dependsOn: [{ name: `c${r.dep}` }] } : {}),
      ...(r.pin ? { host: r.pin } : {}),
    }));

const constraintArb = (n: number) =>
  fc.record(
    {
      containerName: fc.constantFrom(...Array.from({ length: n }, (_, i) => `c${i}`)),
      requiredDatacenter: fc.constantFrom('dc1', 'dc2'),
      labels: fc.constant({ disk: 'ssd' }),
      minCpu: fc.constantFrom(1, 4),
    },
    { requiredKeys: [] },
  );

interface Case {
  hosts: HostSnapshot[];
  stack: StackSpec;
  seed: number;
}

const stackArb = (options: { pins?: boolean; constraints?: boolean; strategies?: readonly string[] } = {}) =>
  fc.integer({ min: 1, max: 10 }).chain((n) =>
    fc
      .record({
        containers: fc.tuple(...Array.from({ length: n }, (_, i) => containerArb(i))),
        strategy: fc.constantFrom(...(options.strategies ?? STRATEGIES)),
        target: fc.constantFrom(undefined, 'dc1', 'dc2'),
        constraints: options.constraints === false ? fc.constant([]) : fc.array(constraintArb(n), { maxLength: 3 }),
        defaultHost: options.pins === false ? fc.constant(undefined) : fc.constantFrom(undefined, 'h1'),
      })
      .map((r) =>
        stack(
          r.containers.map((c) => (options.pins === false ? { ...c, host: undefined } : c)),
          { placementStrategy: r.strategy, targetDatacenter: r.target, hostConstraints: r.constraints },
          r.defaultHost === undefined ? {} : { defaultHost: r.defaultHost },
        ),
      ),
  );

const caseArb: fc.Arbitrary<Case> = fc.record({ hosts: fleetArb, stack: stackArb(), seed: fc.nat() });

/**
 * A reference planner written the slow, obvious way from the public checkers and rankers: every container,
 * every host, every checker, every ranker. The engine (static verdicts, demand classes, heaps) must agree
 * with it exactly: same placements and the same refusal counts.
 */
function referencePlan(c: Case, datacenter: string | undefined) {
  const strategy = c.stack.deployment.placementStrategy;
  const states = [...c.hosts].sort((a, b) => (a.id < b.id ? -1 : 1)).map((h, i) => new HostState(h, i));
  const rankers = rankersFor(strategy);
  const preferredDatacenter = strategy === 'auto' || strategy === 'manual' ? c.stack.deployment.targetDatacenter : undefined;
  const placedOn = new Map<string, HostState>();
  const placements: Record<string, string> = {};
  const counts: Record<string, Record<string, number>> = {};
  for (const i of placementOrder(c.stack.containers)) {
    const container = c.stack.containers[i]!;
    const need = needOf(container, c.stack, { strategyDatacenter: datacenter });
    if (strategy === 'manual' && !need.constrained) continue;
    if (strategy === 'datacenter' && datacenter === undefined) continue;
    const dependencyHosts = new Map<number, string[]>();
    for (const d of need.dependsOn) {
      const h = placedOn.get(d);
      if (h !== undefined) dependencyHosts.set(h.index, [...(dependencyHosts.get(h.index) ?? []), d]);
    }
    const ctx = { preferredDatacenter, dependencyHosts };
    const refused: Record<string, number> = {};
    let best: { state: HostState; score: number; tie: number } | undefined;
    for (const state of states) {
      const failing = CHECKERS.find((ch) => ch.check(state, need) !== null);
      if (failing !== undefined) {
        refused[failing.name] = (refused[failing.name] ?? 0) + 1;
        continue;
      }
      const score = rankers.reduce((sum, r) => sum + r.centi(state, need, ctx), 0);
      const tie = tieRank(c.seed, state.id);
      if (best === undefined || score > best.score || (score === best.score && tie < best.tie)) best = { state, score, tie };
    }
    counts[container.name] = refused;
    if (best === undefined) continue;
    best.state.reserve(need);
    placedOn.set(container.name, best.state);
    placements[container.name] = best.state.id;
  }
  return { placements, counts };
}

function placementsOf(result: PlanResult): Record<string, string> {
  return result.ok ? Object.fromEntries(Object.entries(result.placements).map(([k, v]) => [k, v.hostId])) : {};
}

const run = (c: Case, hosts = c.hosts) => plan({ hosts }, c.stack, { stackId: 'stack:prop', seed: c.seed });

describe('placement properties', () => {
  it('agrees with the obvious reference planner (placements and refusal counts)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = run(c);
        const ref = referencePlan(c, result.datacenter?.name);
        const chosen = Object.fromEntries(
          Object.entries(result.explanation).flatMap(([k, e]) => (e.chosen ? [[k, e.chosen]] : [])),
        );
        expect(chosen).toEqual(ref.placements);
        for (const [name, counts] of Object.entries(ref.counts)) {
          expect(result.explanation[name]!.filteredCounts).toEqual(counts);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never places a container on a host a checker refused', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = run(c);
        for (const [name, e] of Object.entries(result.explanation)) {
          if (e.chosen === undefined) continue;
          expect(e.filtered.some((f) => f.hostId === e.chosen)).toBe(false);
          expect(e.top[0]!.hostId).toBe(e.chosen);
          // The chosen host is in the fleet and online.
          expect(c.hosts.find((h) => h.id === e.chosen)?.status).toBe('online');
          if (result.ok) expect(result.placements[name]!.hostId).toBe(e.chosen);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same plan for the same input and seed', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(run(c)).toEqual(run(structuredClone(c)));
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on the order of hosts in the snapshot', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc.tuple(fc.constant(c), fc.shuffledSubarray(c.hosts, { minLength: c.hosts.length, maxLength: c.hosts.length })),
        ),
        ([c, shuffled]) => {
          expect(run(c, shuffled)).toEqual(run(c));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps every term and every score within its documented range', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = run(c);
        const strategy = c.stack.deployment.placementStrategy;
        const rankers = rankersFor(strategy);
        for (const container of c.stack.containers) {
          const e = result.explanation[container.name]!;
          const need = needOf(container, c.stack);
          let min = BASE_SCORE;
          let max = BASE_SCORE;
          for (const r of rankers) {
            const [lo, hi] = r.range(need);
            min += lo;
            max += hi;
          }
          for (const scored of [...e.top, ...(e.explainedHosts ?? [])]) {
            expect(scored.terms.reduce((s, t) => s + t.value, 0)).toBeCloseTo(scored.score, 9);
            for (const term of scored.terms.slice(1)) {
              const [lo, hi] = rankers.find((r) => r.name === term.name)!.range(need);
              expect(term.value).toBeGreaterThanOrEqual(lo);
              expect(term.value).toBeLessThanOrEqual(hi);
            }
            expect(scored.score).toBeGreaterThanOrEqual(min);
            expect(scored.score).toBeLessThanOrEqual(max);
          }
          // Best first.
          const scores = e.top.map((t) => t.score);
          expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('spreads evenly: never more than one container apart on uniform eligible hosts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('spread', 'datacenter'),
        fc.string(),
        (nHosts, nContainers, strategy, stackId) => {
          const hosts = Array.from({ length: nHosts }, (_, i) => host(`h${i}`));
          const s = stack(
            Array.from({ length: nContainers }, (_, i) => ({ name: `c${i}` })),
            { placementStrategy: strategy },
          );
          const result = plan({ hosts }, s, { stackId });
          expect(result.seed).toBe(seedFromStackId(stackId));
          const counts = new Map(hosts.map((h) => [h.id, 0]));
          for (const p of Object.values(placementsOf(result))) counts.set(p, counts.get(p)! + 1);
          const values = [...counts.values()];
          expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
