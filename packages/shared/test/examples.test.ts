/**
 * Every file in examples/ as an operator would submit it: parsed, validated and planned against a fleet shaped
 * like the end-to-end test hosts (scripts/testHosts: d1, d2, d3 at 172.31.N.1), with the outcome its strategy
 * promises. Pure: no Docker, no controller. The end-to-end tests deploy the same files on real daemons.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dependencyWaves,
  parseStack,
  plan,
  stackIdOf,
  validateStack,
  wireDependencies,
  type HostSnapshot,
  type ParseSuccess,
  type PlanResult,
} from '../src/index.js';

const examplesDir = join(__dirname, '../../../examples');
const files = readdirSync(examplesDir)
  .filter((f) => /\.(json|ya?ml)$/.test(f))
  .sort();

const GIB = 1024 ** 3;

/** An idle test host: 2 CPUs and 4 GiB like the machine the test daemons share, no containers yet. */
function testHost(id: string, n: number, datacenter: string): HostSnapshot {
  return {
    id,
    address: `172.31.${n}.1`,
    status: 'online',
    datacenter,
    labels: {},
    resources: { cpus: 2, memory: 4 * GIB },
    load: { cpuPercent: 0, memoryUsed: 0, memoryAvailable: 4 * GIB, containerCount: 0 },
    usedHostPorts: [],
  };
}

/** d1 and d2 in dc1, d3 in dc2: the datacenter example has a datacenter with room to spread and one to avoid. */
const TEST_HOSTS: HostSnapshot[] = [testHost('d1', 1, 'dc1'), testHost('d2', 2, 'dc1'), testHost('d3', 3, 'dc2')];

/**
 * The reference multi-host stack pins its containers to the host ids of the original project; end-to-end
 * runs register the three test daemons under those ids to deploy it unchanged.
 */
const REFERENCE_HOSTS: HostSnapshot[] = [
  testHost('localhost-docker', 1, 'dc1'),
  testHost('vm1', 2, 'dc1'),
  testHost('vm2', 3, 'dc2'),
];

function read(file: string): string {
  return readFileSync(join(examplesDir, file), 'utf8');
}

function parsed(file: string): ParseSuccess {
  const result = parseStack(read(file), { filename: file });
  if (!result.ok) throw new Error(`${file} does not parse:\n${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function planned(file: string, hosts: HostSnapshot[] = TEST_HOSTS): PlanResult & { ok: true } {
  const { spec } = parsed(file);
  const result = plan({ hosts }, spec, { stackId: stackIdOf(spec.name) });
  if (!result.ok) throw new Error(`${file} does not plan:\n${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

/** Container → host id. */
function hostsOf(result: PlanResult & { ok: true }): Record<string, string> {
  return Object.fromEntries(Object.entries(result.placements).map(([name, p]) => [name, p.hostId]));
}

/** Host id → number of containers placed there. */
function countsOf(result: PlanResult & { ok: true }): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of Object.values(result.placements)) counts[p.hostId] = (counts[p.hostId] ?? 0) + 1;
  return counts;
}

function wavesOf(file: string): string[][] {
  return dependencyWaves(parsed(file).spec);
}

describe('examples/', () => {
  it('holds a file of each format and one of each strategy', () => {
    const seen = files.map((f) => {
      const result = parseStack(read(f), { filename: f });
      return result.ok ? { format: result.format, strategy: result.spec.deployment.placementStrategy } : undefined;
    });
    expect(new Set(seen.map((s) => s?.format))).toEqual(new Set(['jsonld', 'eve', 'compose']));
    expect(new Set(seen.map((s) => s?.strategy))).toEqual(new Set(['auto', 'manual', 'spread', 'datacenter']));
  });

  it.each(files)('%s parses and validates cleanly, with nothing to warn about', (file) => {
    const result = parsed(file);
    expect(result.warnings).toEqual([]);
    expect(validateStack(result.spec)).toEqual([]);
  });

  it.each(files)('%s uses only the images present on the test hosts', (file) => {
    for (const c of parsed(file).spec.containers) expect(['busybox:latest', 'nginx:alpine']).toContain(c.image);
  });

  it.each(files.filter((f) => f !== 'nginx-multihost-stack.json'))('%s plans on the test hosts d1, d2, d3', (file) => {
    const result = planned(file);
    expect(Object.keys(result.placements).sort()).toEqual(parsed(file).spec.containers.map((c) => c.name).sort());
    for (const p of Object.values(result.placements)) {
      expect(TEST_HOSTS.find((h) => h.id === p.hostId)?.address).toBe(p.hostAddress);
    }
  });

  it('no two examples ask for the same host port, so they can all run at once on the test hosts', () => {
    const owners = new Map<string, string>();
    for (const file of files) {
      for (const c of parsed(file).spec.containers) {
        for (const p of c.ports) {
          if (p.hostPort === undefined) continue;
          const key = `${p.hostPort}/${p.protocol}`;
          expect(`${key} in ${owners.get(key) ?? file}`).toBe(`${key} in ${file}`);
          owners.set(key, file);
        }
      }
    }
  });

  it('ships the reference stacks unchanged', () => {
    for (const name of ['nginx-multihost-stack.json', 'simple-nginx.json']) {
      expect(read(name)).toBe(readFileSync(join(__dirname, 'fixtures/reference', name), 'utf8'));
    }
  });
});

describe('each example does what its strategy promises', () => {
  it('nginx-multihost-stack.json (manual): each nginx lands on the host it names, ports 8081-8083', () => {
    const result = planned('nginx-multihost-stack.json', REFERENCE_HOSTS);
    expect(result.strategy).toBe('manual');
    expect(hostsOf(result)).toEqual({ 'nginx-1': 'localhost-docker', 'nginx-2': 'vm1', 'nginx-3': 'vm2' });
    const ports = parsed('nginx-multihost-stack.json').spec.containers.map((c) => c.ports[0]?.hostPort);
    expect(ports).toEqual([8081, 8082, 8083]);
    for (const name of ['nginx-1', 'nginx-2', 'nginx-3']) expect(result.explanation[name]?.decidedBy).toMatch(/^pinned/);
  });

  it('nginx-multihost-stack.json cannot plan on hosts that lack its pinned ids, and says which', () => {
    const { spec } = parsed('nginx-multihost-stack.json');
    const result = plan({ hosts: TEST_HOSTS }, spec, { stackId: stackIdOf(spec.name) });
    expect(result.ok).toBe(false);
  });

  it('simple-nginx.json (auto, the default): one container on one test host', () => {
    const result = planned('simple-nginx.json');
    expect(result.strategy).toBe('auto');
    expect(Object.keys(result.placements)).toEqual(['web']);
  });

  it('auto-placed.json (auto): reservations lower a host score, so three servers land on three hosts', () => {
    const result = planned('auto-placed.json');
    expect(result.strategy).toBe('auto');
    expect(countsOf(result)).toEqual({ d1: 1, d2: 1, d3: 1 });
    // The winner of each placement had the highest score; its terms are in the explanation.
    const top = result.explanation['web-2']?.top[0];
    expect(top?.terms.map((t) => t.name)).toEqual(['base', 'cpu', 'memory', 'load', 'datacenter', 'affinity', 'memoryPressure']);
  });

  it('spread.json (spread): one worker per host on an even fleet', () => {
    const result = planned('spread.json');
    expect(result.strategy).toBe('spread');
    expect(countsOf(result)).toEqual({ d1: 1, d2: 1, d3: 1 });
  });

  it('spread.json (spread) counts the containers already running: the busy host gets none', () => {
    const { spec } = parsed('spread.json');
    const busy = TEST_HOSTS.map((h) => (h.id === 'd2' ? { ...h, load: { ...h.load!, containerCount: 5 } } : h));
    const result = plan({ hosts: busy }, spec, { stackId: stackIdOf(spec.name) });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const counts = countsOf(result);
    expect(counts.d2).toBeUndefined();
    expect(Object.values(counts).sort()).toEqual([1, 2]); // which of d1 / d3 gets two: the seeded tie-break
  });

  it('datacenter.json (datacenter): the whole stack stays in dc1 and spreads over its hosts', () => {
    const result = planned('datacenter.json');
    expect(result.strategy).toBe('datacenter');
    expect(result.datacenter).toEqual({ name: 'dc1', decidedBy: 'targetDatacenter' });
    const counts = countsOf(result);
    expect(Object.keys(counts).sort()).toEqual(['d1', 'd2']);
    expect(Object.values(counts).sort()).toEqual([1, 2]);
    expect(result.explanation.store?.filtered).toContainEqual(expect.objectContaining({ hostId: 'd3', reason: 'datacenter' }));
  });

  it('datacenter.json fails to plan, naming the datacenter, when no host is in dc1', () => {
    const { spec } = parsed('datacenter.json');
    const elsewhere = TEST_HOSTS.map((h) => ({ ...h, datacenter: 'dc2' }));
    const result = plan({ hosts: elsewhere }, spec, { stackId: stackIdOf(spec.name) });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(!result.ok && result.errors)).toContain('dc1');
  });

  it('three-tier.json (manual): db, api and web on d1, d2, d3, started in three health-gated waves', () => {
    const result = planned('three-tier.json');
    expect(result.strategy).toBe('manual');
    expect(hostsOf(result)).toEqual({ db: 'd1', api: 'd2', web: 'd3' });
    expect(wavesOf('three-tier.json')).toEqual([['db'], ['api'], ['web']]);
    const { spec } = parsed('three-tier.json');
    for (const name of ['api', 'web']) {
      expect(spec.containers.find((c) => c.name === name)?.dependsOn.map((d) => d.condition)).toEqual(['healthy']);
    }
    for (const c of spec.containers) expect(c.healthCheck).toBeDefined();
  });

  it('three-tier.json wires each tier to the one below across hosts', () => {
    const result = planned('three-tier.json');
    const { spec } = parsed('three-tier.json');
    const byName = new Map(spec.containers.map((c) => [c.name, c]));
    const addressOf = (name: string) => result.placements[name]?.hostAddress;
    expect(wireDependencies(byName.get('api')!, byName, addressOf).injected).toEqual({
      DB_HOST: '172.31.1.1',
      DB_PORT: '19001',
      DB_ENDPOINT: '172.31.1.1:19001',
    });
    expect(wireDependencies(byName.get('web')!, byName, addressOf).injected).toEqual({
      API_HOST: '172.31.2.1',
      API_PORT: '19002',
      API_ENDPOINT: '172.31.2.1:19002',
    });
  });

  it('eve-webapp.json (EVE ItemList, spread): api waits for a healthy db, on another host', () => {
    const result = planned('eve-webapp.json');
    expect(parsed('eve-webapp.json').format).toBe('eve');
    expect(result.strategy).toBe('spread');
    expect(wavesOf('eve-webapp.json')).toEqual([['db'], ['api']]);
    expect(parsed('eve-webapp.json').spec.containers[1]?.dependsOn).toEqual([{ name: 'db', condition: 'healthy' }]);
    expect(result.placements.db?.hostId).not.toBe(result.placements.api?.hostId);
  });

  it('compose-webapp.yml (compose, auto): web waits for a healthy cache; $$ stays a literal $ for the shell', () => {
    const { spec, format } = parsed('compose-webapp.yml');
    expect(format).toBe('compose');
    const result = planned('compose-webapp.yml');
    expect(result.strategy).toBe('auto');
    expect(wavesOf('compose-webapp.yml')).toEqual([['cache'], ['web']]);
    const web = spec.containers.find((c) => c.name === 'web');
    expect(web?.dependsOn).toEqual([{ name: 'cache', condition: 'healthy' }]);
    expect(web?.command?.join(' ')).toContain('$CACHE_ENDPOINT');
  });
});
