/**
 * Fleet benchmark: one controller process (embedded store), N simulated agents long-polling it over real
 * HTTP from this process. A script that prints figures, not a test.
 *
 *   pnpm exec tsx packages/controller/bench/fleet.ts [--agents 100,1000] [--tasks 10000] [--pickups 200] [--concurrency 4]
 *     [--profile DIR]
 *
 * Every simulated agent also heartbeats every 10 s, as a real agent does.
 * Per agent count it measures, in one run:
 *  - idle: controller RSS once every agent holds a long-poll (2 s and 22 s after the last registration);
 *  - pickup: single tasks created one at a time (POST /api/v1/tasks, for an idle agent chosen at random),
 *    time from the create request to the agent receiving the task (p50/p99);
 *  - throughput: `--tasks` deploy tasks (stacks of 100 containers, spread over the agents, `--concurrency`
 *    definitions submitted at once) created, claimed and completed; task lifecycles per second end to end,
 *    controller CPU split by thread (API, store, the rest: GC helpers, LevelDB, libuv), this process's CPU,
 *    the share of CPU time the hypervisor stole (a busy neighbour makes figures drift), and peak RSS.
 * `--profile DIR` makes the controller write a V8 CPU profile there (open it in Chrome DevTools).
 * `GRAPHIUM_BENCH_NODE_FLAGS="--flag …"` passes V8/Node flags to the controller, to compare settings.
 * The controller is built first (`tsc -b`); it runs from packages/controller/dist.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { callController, processStats, startController } from './controllerProcess.js';

/** HTTP bodies are read as loose JSON here; the assertions check their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;


interface Args {
  agents: number[];
  tasks: number;
  pickups: number;
  /** Stack definitions submitted at once (as an automation deploying many stacks would). */
  concurrency: number;
  /** When set, the controller writes a V8 CPU profile into this directory. */
  profile?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { agents: [100, 1000], tasks: 10_000, pickups: 200, concurrency: 4 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--agents') args.agents = value.split(',').map(Number);
    else if (flag === '--tasks') args.tasks = Number(value);
    else if (flag === '--pickups') args.pickups = Number(value);
    else if (flag === '--profile') args.profile = value;
    else if (flag === '--concurrency') args.concurrency = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

const HEARTBEAT_MS = 10_000;

const dispatcher = new Agent({ connections: 4096, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });

function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<Json> {
  return callController(dispatcher, base, token, method, path, body);
}

/**
 * CPU seconds between two readings: the API (main) thread, the busiest other thread (the embedded store's
 * worker: PouchDB and express-pouchdb), and all the rest (GC helpers, LevelDB, libuv's pool).
 */
function cpuSplit(pid: number, before: Map<number, number>, after: Map<number, number>): { main: number; store: number; rest: number } {
  const used = [...after].map(([tid, seconds]) => [tid, seconds - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).map(([, seconds]) => seconds).sort((a, b) => b - a);
  const store = others[0] ?? 0;
  return { main, store, rest: others.slice(1).reduce((a, b) => a + b, 0) };
}

/** Machine-wide ticks (Linux /proc/stat): busy (user, nice, system, irq, softirq), stolen by the hypervisor, all. */
function machineTicks(): { busy: number; steal: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number) => cpu[i] ?? 0;
  return { busy: at(0) + at(1) + at(2) + at(5) + at(6), steal: at(7), total: cpu.reduce((a, b) => a + b, 0) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface SimAgent {
  hostId: string;
  token: string;
  session: string;
  idle: boolean;
}

async function runFleet(agentCount: number, args: Args): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'graphium-bench-'));
  const { child, url, admin } = await startController(dataDir, args.profile);
  const pid = child.pid!;
  const agents: SimAgent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const hostId = `h${String(i).padStart(4, '0')}`;
    const { token } = await call(url, admin, 'POST', '/api/v1/tokens', { kind: 'agent', name: hostId, hostId });
    const registered = await call(url, token, 'POST', `/api/v1/agents/${hostId}/register`, {
      address: '127.0.0.1',
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
    });
    agents.push({ hostId, token, session: registered.agentSession, idle: false });
  }

  const received = new Map<string, number>();
  let completed = 0;
  let running = true;
  // Heartbeats as real agents send them: every 10 s, spread over the interval.
  const heartbeats = agents.map((agent, i) => {
    const beat = () =>
      call(url, agent.token, 'POST', `/api/v1/agents/${agent.hostId}/heartbeat`, {
        agentSession: agent.session,
        load: { cpuPercent: 5, memoryUsed: 2 ** 30, memoryAvailable: 7 * 2 ** 30, containerCount: 0 },
        usedHostPorts: [],
      }).catch((error: unknown) => {
        if (running) throw error;
      });
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      void beat();
      interval = setInterval(() => void beat(), HEARTBEAT_MS);
    }, (i * HEARTBEAT_MS) / agents.length);
    return () => {
      clearTimeout(first);
      clearInterval(interval);
    };
  });
  const loops = agents.map(async (agent) => {
    while (running) {
      agent.idle = true;
      let tasks: Json[];
      try {
        ({ tasks } = await call(url, agent.token, 'POST', `/api/v1/agents/${agent.hostId}/tasks/claim?wait=30`, {
          agentSession: agent.session,
          max: 8,
        }));
      } catch (error) {
        if (!running) return;
        throw error;
      }
      agent.idle = false;
      const now = performance.now();
      for (const task of tasks) received.set(task['@id'], now);
      await Promise.all(
        tasks.map(async (task) => {
          await call(url, agent.token, 'PUT', `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`, {
            leaseToken: task.lease.token,
            status: 'completed',
            result: { containerId: 'x', ports: [] },
          });
          completed += 1;
        }),
      );
    }
  });

  // Idle: every agent holding a long-poll.
  while (agents.some((a) => !a.idle)) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2000));
  const justIdle = processStats(pid);
  // Steady state: V8 gives unused heap back once allocation stays low for a while.
  await new Promise((r) => setTimeout(r, 20_000));
  const idle = processStats(pid);
  const metrics = await request(`${url}/metrics`, { dispatcher, headers: { authorization: `Bearer ${admin}` } }).then((r) => r.body.text());
  const gauge = (name: string) => Number(new RegExp(`^\\w*${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
  const mainHeap = { used: gauge('nodejs_heap_size_used_bytes'), total: gauge('nodejs_heap_size_total_bytes'), external: gauge('nodejs_external_memory_bytes') };

  // Pickup latency: one task at a time for an idle agent.
  const pickups: number[] = [];
  for (let i = 0; i < args.pickups; i++) {
    const agent = agents[(i * 7919) % agents.length]!;
    const started = performance.now();
    const task = await call(url, admin, 'POST', '/api/v1/tasks', { hostId: agent.hostId, taskType: 'restart', containerName: `c${i}` });
    for (;;) {
      const at = received.get(task['@id']);
      if (at !== undefined) {
        pickups.push(at - started);
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
  }
  while (completed < args.pickups) await new Promise((r) => setTimeout(r, 20));

  // Throughput: stacks of 100 containers spread over the fleet.
  const before = processStats(pid);
  const clientBefore = process.cpuUsage();
  const ticksBefore = machineTicks();
  const target = completed + args.tasks;
  const t0 = performance.now();
  const stacks = Math.ceil(args.tasks / 100);
  let nextStack = 0;
  const submitters = Array.from({ length: args.concurrency }, async () => {
    for (let s = nextStack++; s < stacks; s = nextStack++) {
      const containers = Array.from({ length: Math.min(100, args.tasks - s * 100) }, (_, i) => ({ name: `c${i}`, image: 'busybox:latest' }));
      await call(url, admin, 'POST', '/api/v1/stacks', {
        '@context': 'https://schema.org',
        '@graph': [{ '@type': 'Stack', name: `bench-${s}`, deployment: { placementStrategy: 'spread' }, hasPart: containers }],
      });
    }
  });
  await Promise.all(submitters);
  const created = performance.now();
  while (completed < target) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const after = processStats(pid);
  const ticksAfter = machineTicks();
  const stealPercent = (100 * (ticksAfter.steal - ticksBefore.steal)) / Math.max(1, ticksAfter.total - ticksBefore.total);
  // Busy CPU of everything else on the machine (another test run, say): figures taken beside it are not comparable.
  const othersSeconds = (ticksAfter.busy - ticksBefore.busy) / 100;
  const clientAfter = process.cpuUsage(clientBefore);
  const client = (clientAfter.user + clientAfter.system) / 1e6;
  const split = cpuSplit(pid, before.threads, after.threads);

  running = false;
  for (const stop of heartbeats) stop();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await Promise.allSettled(loops);
  rmSync(dataDir, { recursive: true, force: true });

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    [
      `agents ${agentCount}:`,
      `  idle controller RSS ${f(idle.rssMiB)} MiB with ${agentCount} long-polls held for 22 s (${f(justIdle.rssMiB)} MiB 2 s after the last registration; API thread heap ${f(mainHeap.used)} MiB used of ${f(mainHeap.total)}, external ${f(mainHeap.external)} MiB; the rest is the store thread and native memory)`,
      `  pickup (create → agent has it), ${pickups.length} tasks: p50 ${f(percentile(pickups, 50))} ms, p99 ${f(percentile(pickups, 99))} ms`,
      `  throughput: ${args.tasks} tasks created (${f((created - t0) / 1000, 2)} s), claimed and completed in ${f(seconds, 2)} s = ${f(args.tasks / seconds, 0)} lifecycles/s`,
      `  controller CPU during throughput ${f(after.cpuSeconds - before.cpuSeconds, 2)} s (${f((100 * (after.cpuSeconds - before.cpuSeconds)) / seconds, 0)} % of one core: API thread ${f(split.main, 2)} s, store thread ${f(split.store, 2)} s, other threads ${f(split.rest, 2)} s), peak RSS ${f(after.peakMiB)} MiB`,
      `  benchmark process (simulated agents) CPU during throughput ${f(client, 2)} s; CPU time stolen by the hypervisor ${f(stealPercent)} %; other processes ${f(Math.max(0, othersSeconds - client - (after.cpuSeconds - before.cpuSeconds)), 2)} s`,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `fleet benchmark: embedded store, controller in its own process, ${args.tasks} tasks (${args.concurrency} stack definitions in flight), ${args.pickups} pickups`,
  );
  for (const count of args.agents) await runFleet(count, args);
  await dispatcher.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
