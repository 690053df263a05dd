/**
 * Placement benchmark: a deterministic synthetic fleet and stack, each strategy planned in its own child
 * process so memory figures belong to one strategy. A script, not a test: it prints figures to compare.
 *
 *   pnpm exec tsx packages/shared/bench/placement.ts [--containers 100000] [--hosts 5000] [--strategy all]
 *
 * plan() is synchronous, so a timer cannot sample memory while it runs: peak RSS is the kernel's high-water
 * mark (process.resourceUsage().maxRSS), heap is process.memoryUsage() right after the plan with its result
 * (and full explanation) still referenced.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostSnapshot } from '../src/models/host.js';
import { PLACEMENT_STRATEGIES, stackSpec, type StackSpec } from '../src/models/stackSpec.js';
import { plan } from '../src/placement/index.js';

type Strategy = (typeof PLACEMENT_STRATEGIES)[number];

const TARGET_SECONDS = 10;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

interface Args {
  containers: number;
  hosts: number;
  strategies: Strategy[];
  child: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { containers: 100_000, hosts: 5_000, strategies: [...PLACEMENT_STRATEGIES], child: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--child') {
      args.child = true;
      continue;
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--containers') args.containers = positiveInt(flag, value);
    else if (flag === '--hosts') args.hosts = positiveInt(flag, value);
    else if (flag === '--strategy') {
      if (value === 'all') args.strategies = [...PLACEMENT_STRATEGIES];
      else if ((PLACEMENT_STRATEGIES as readonly string[]).includes(value)) args.strategies = [value as Strategy];
      else throw new Error(`--strategy must be one of ${PLACEMENT_STRATEGIES.join(', ')}, all`);
    } else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${value}`);
  return n;
}

/** mulberry32: a small seeded generator, so every run benchmarks the same fleet. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

const DATACENTERS = ['dc-east', 'dc-west', 'dc-north', 'dc-south'];
/** Uneven datacenter sizes, like real fleets. */
const DC_WEIGHTS = [0.4, 0.3, 0.2, 0.1];

export function syntheticFleet(count: number): HostSnapshot[] {
  const rand = generator(42);
  const hosts: HostSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    let acc = 0;
    let dc = DATACENTERS[0]!;
    for (let d = 0; d < DATACENTERS.length; d++) {
      acc += DC_WEIGHTS[d]!;
      if (r < acc) {
        dc = DATACENTERS[d]!;
        break;
      }
    }
    const cpus = pick(rand, [4, 8, 16, 32, 64]);
    const memory = pick(rand, [8, 16, 32, 64, 128, 256]) * GIB;
    const usedFraction = 0.1 + rand() * 0.75;
    const s = rand();
    const usedHostPorts = Array.from({ length: Math.floor(rand() * 4) }, () => 20000 + Math.floor(rand() * 200));
    hosts.push({
      id: `host-${String(i).padStart(5, '0')}`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      status: s < 0.03 ? 'offline' : s < 0.05 ? 'draining' : 'online',
      datacenter: dc,
      labels: {
        disk: rand() < 0.6 ? 'ssd' : 'hdd',
        zone: `${dc}-${Math.floor(rand() * 3)}`,
        ...(rand() < 0.05 ? { gpu: 'true' } : {}),
      },
      resources: { cpus, memory },
      load: {
        cpuPercent: Math.round(rand() * 900) / 10,
        memoryUsed: Math.round(memory * usedFraction),
        memoryAvailable: Math.round(memory * (1 - usedFraction)),
        containerCount: Math.floor(rand() * 30),
      },
      usedHostPorts,
    });
  }
  return hosts;
}

/**
 * N containers, no pins: a fifth with reservations, a few with host ports (sometimes clashing with the
 * fleet's inventory), ~10% depending on a recent container, and a few constraint classes (ssd, gpu).
 */
export function syntheticStack(count: number, strategy: Strategy): StackSpec {
  const rand = generator(7);
  const containers = [];
  const hostConstraints: StackSpec['deployment']['hostConstraints'] = [];
  for (let i = 0; i < count; i++) {
    const name = `c-${String(i).padStart(6, '0')}`;
    const reserve = rand() < 0.2;
    const port = rand() < 0.05;
    const dep = i > 0 && rand() < 0.1;
    const c = rand();
    if (c < 0.05) hostConstraints.push({ containerName: name, labels: { disk: 'ssd' } });
    else if (c < 0.055) hostConstraints.push({ containerName: name, labels: { gpu: 'true' }, minCpu: 8 });
    containers.push({
      name,
      image: pick(rand, ['nginx:1.27', 'redis:7', 'postgres:16', 'busybox:1.36']),
      ports: port ? [{ containerPort: 80, hostPort: 20000 + Math.floor(rand() * 200) }] : [],
      dependsOn: dep ? [{ name: `c-${String(Math.max(0, i - 1 - Math.floor(rand() * 100))).padStart(6, '0')}` }] : [],
      ...(reserve
        ? {
            resources: {
              reservations: { cpus: pick(rand, [0.1, 0.25, 0.5, 1]), memory: pick(rand, [128, 256, 512, 1024]) * MIB },
            },
          }
        : {}),
    });
  }
  // Manual needs every container narrowed: a stack-wide minimum does it without pinning anything.
  if (strategy === 'manual') hostConstraints.push({ minMemory: 64 * MIB });
  return stackSpec.parse({
    name: 'bench',
    deployment: { placementStrategy: strategy, hostConstraints },
    containers,
  });
}

interface Figures {
  strategy: Strategy;
  ok: boolean;
  placed: number;
  failed: number;
  seconds: number;
  setupSeconds: number;
  peakRssMiB: number;
  heapUsedMiB: number;
  heapDeltaMiB: number;
}

function runChild(args: Args): void {
  const strategy = args.strategies[0]!;
  const t0 = performance.now();
  const hosts = syntheticFleet(args.hosts);
  const stack = syntheticStack(args.containers, strategy);
  const setupSeconds = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const result = plan({ hosts }, stack, { stackId: 'stack:bench' });
  const seconds = (performance.now() - start) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  const figures: Figures = {
    strategy,
    ok: result.ok,
    placed: result.ok ? Object.keys(result.placements).length : args.containers - result.errors.length,
    failed: result.ok ? 0 : result.errors.length,
    seconds,
    setupSeconds,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MIB,
    heapUsedMiB: heapAfter / MIB,
    heapDeltaMiB: (heapAfter - heapBefore) / MIB,
  };
  process.send?.(figures);
}

function runInChild(args: Args, strategy: Strategy): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--child', '--containers', String(args.containers), '--hosts', String(args.hosts), '--strategy', strategy],
      { execArgv: [...process.execArgv, '--expose-gc'] },
    );
    let figures: Figures | undefined;
    child.on('message', (m) => (figures = m as Figures));
    child.on('error', reject);
    child.on('exit', (code) =>
      figures !== undefined ? resolve(figures) : reject(new Error(`${strategy}: child exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args);
  console.log(`placement benchmark: ${args.containers} containers on ${args.hosts} hosts, target < ${TARGET_SECONDS} s`);
  console.log('strategy    result  placed   failed  seconds  containers/s  peak RSS  heap used  heap Δ  target');
  for (const strategy of args.strategies) {
    const f = await runInChild(args, strategy);
    console.log(
      [
        f.strategy.padEnd(10),
        (f.ok ? 'ok' : 'failed').padEnd(6),
        String(f.placed).padStart(7),
        String(f.failed).padStart(7),
        f.seconds.toFixed(2).padStart(8),
        Math.round(f.placed / f.seconds).toLocaleString('en-US').padStart(12),
        `${f.peakRssMiB.toFixed(0)} MiB`.padStart(9),
        `${f.heapUsedMiB.toFixed(0)} MiB`.padStart(9),
        `${f.heapDeltaMiB.toFixed(0)} MiB`.padStart(7),
        f.seconds < TARGET_SECONDS ? ' under' : ' OVER',
      ].join('  '),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
