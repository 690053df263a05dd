import {
  EMPTY_RANK_CONTEXT,
  RANKERS,
  affinityRanker,
  cpuRanker,
  datacenterRanker,
  loadRanker,
  memoryPressureRanker,
  memoryRanker,
  spreadRanker,
  termOf,
  type ContainerNeed,
  type RankContext,
  type Ranker,
} from '../../src/placement/index.js';
import type { HostSnapshot } from '../../src/models/host.js';
import { GIB, host, load, need, stateOf } from './fixtures.js';

interface Row {
  name: string;
  host: HostSnapshot;
  planned?: Parameters<typeof stateOf>[1];
  need?: ContainerNeed;
  ctx?: RankContext;
  value: number;
}

function table(ranker: Ranker, rows: Row[]) {
  describe(`${ranker.name} ranker`, () => {
    it.each(rows)('$name', (row) => {
      const state = stateOf(row.host, row.planned);
      const n = row.need ?? need();
      const term = termOf(ranker, state, n, row.ctx ?? EMPTY_RANK_CONTEXT);
      expect(term.name).toBe(ranker.name);
      expect(term.value).toBeCloseTo(row.value, 2);
      expect(term.detail).toEqual(expect.any(String));
      const [min, max] = ranker.range(n);
      expect(term.value).toBeGreaterThanOrEqual(min);
      expect(term.value).toBeLessThanOrEqual(max);
      // Centi values are integers, so equal hosts tie exactly.
      expect(Number.isInteger(ranker.centi(state, n, row.ctx ?? EMPTY_RANK_CONTEXT))).toBe(true);
    });
  });
}

table(cpuRanker, [
  { name: 'idle host scores 30', host: host('h1', { load: load(0, 0, 0) }), value: 30 },
  { name: 'fully busy host scores 0', host: host('h1', { load: load(100, 0, 0) }), value: 0 },
  { name: '40% busy scores 18', host: host('h1', { load: load(40, 0, 0) }), value: 18 },
  { name: 'reservations planned here count as busy (2 of 4 CPUs = 50%)', host: host('h1'), planned: { cpus: 2 }, value: 15 },
  { name: 'busy is capped at 100%', host: host('h1', { load: load(80, 0, 0) }), planned: { cpus: 4 }, value: 0 },
  { name: 'no heartbeat counts as idle', host: host('h1', { load: undefined }), value: 30 },
]);

table(memoryRanker, [
  { name: 'all memory free scores 30', host: host('h1', { load: load(0, 0, 0) }), value: 30 },
  { name: 'a quarter free scores 7.5', host: host('h1', { load: load(0, 0.75, 0) }), value: 7.5 },
  { name: 'planned reservations use memory', host: host('h1'), planned: { memory: 4 * GIB }, value: 15 },
  { name: 'nothing free scores 0', host: host('h1', { load: load(0, 1, 0) }), value: 0 },
]);

table(loadRanker, [
  { name: 'empty host +10', host: host('h1', { load: load(0, 0, 0) }), value: 10 },
  { name: '4 containers still +10', host: host('h1', { load: load(0, 0, 4) }), value: 10 },
  { name: '5 containers 0', host: host('h1', { load: load(0, 0, 5) }), value: 0 },
  { name: '10 containers 0', host: host('h1', { load: load(0, 0, 10) }), value: 0 },
  { name: '11 containers −10', host: host('h1', { load: load(0, 0, 11) }), value: -10 },
  { name: 'planned containers count: 3 running + 2 planned = 5', host: host('h1', { load: load(0, 0, 3) }), planned: { containers: 2 }, value: 0 },
]);

table(datacenterRanker, [
  { name: 'no preferred datacenter: 0', host: host('h1', { datacenter: 'dc2' }), value: 0 },
  {
    name: 'in the preferred datacenter: 0',
    host: host('h1', { datacenter: 'dc1' }),
    ctx: { preferredDatacenter: 'dc1', dependencyHosts: new Map() },
    value: 0,
  },
  {
    name: 'outside the preferred datacenter: −20',
    host: host('h1', { datacenter: 'dc2' }),
    ctx: { preferredDatacenter: 'dc1', dependencyHosts: new Map() },
    value: -20,
  },
  {
    name: 'no datacenter at all is outside: −20',
    host: host('h1', { datacenter: undefined }),
    ctx: { preferredDatacenter: 'dc1', dependencyHosts: new Map() },
    value: -20,
  },
]);

table(affinityRanker, [
  { name: 'no dependencies: 0', host: host('h1'), value: 0 },
  {
    name: 'one dependency placed here: +25',
    host: host('h1'),
    need: need({ dependsOn: ['db'] }),
    ctx: { dependencyHosts: new Map([[0, ['db']]]) },
    value: 25,
  },
  {
    name: 'two dependencies placed here: +50',
    host: host('h1'),
    need: need({ dependsOn: ['db', 'cache'] }),
    ctx: { dependencyHosts: new Map([[0, ['db', 'cache']]]) },
    value: 50,
  },
  {
    name: 'dependency placed elsewhere: 0',
    host: host('h1'),
    need: need({ dependsOn: ['db'] }),
    ctx: { dependencyHosts: new Map([[7, ['db']]]) },
    value: 0,
  },
]);

table(memoryPressureRanker, [
  { name: 'plenty of memory: 0', host: host('h1', { load: load(0, 0.5, 0) }), value: 0 },
  { name: 'already above 90%: −15', host: host('h1', { load: load(0, 0.95, 0) }), value: -15 },
  {
    name: 'this container would push it above 90%: −15',
    host: host('h1', { load: load(0, 0.8, 0) }),
    need: need({ reserveMemory: 1 * GIB }),
    value: -15,
  },
  {
    name: 'reservations planned earlier count (4 used + 3.5 planned + 0.5 of 8 GiB)',
    host: host('h1', { load: load(0, 0.5, 0) }),
    planned: { memory: 3.5 * GIB },
    need: need({ reserveMemory: 0.5 * GIB }),
    value: -15,
  },
  {
    name: 'exactly 90% is not above',
    host: host('h1', { resources: { cpus: 4, memory: 10 * GIB }, load: load(0, 0.9, 0, 10 * GIB) }),
    value: 0,
  },
]);

table(spreadRanker, [
  { name: 'empty host: 0', host: host('h1', { load: load(0, 0, 0) }), value: 0 },
  { name: 'one point less per running container', host: host('h1', { load: load(0, 0, 7) }), value: -7 },
  { name: 'planned containers count', host: host('h1', { load: load(0, 0, 2) }), planned: { containers: 3 }, value: -5 },
]);

describe('rankers', () => {
  it('have unique names, and fit rankers a fast form the scan can use', () => {
    const names = RANKERS.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of RANKERS) if (!r.hostOnly) expect(r.fast).toBeDefined();
  });
});
