/**
 * Graphium against plain dockerode on the same three real Docker hosts, in one run:
 *
 *   pnpm exec tsc -b && pnpm exec tsx e2e/bench/stackVsDirect.ts [--rounds 5] [--containers 30] [--concurrency 4]
 *
 * Each round deploys a stack of N busybox containers pinned round-robin to d1, d2, d3 through the built
 * controller and agents (the e2e Fleet), and creates + starts the same containers directly with dockerode,
 * per host at the agent's concurrency. Measured from the request (POST /api/v1/stacks, or the first create
 * call) to every container running (the stack_running event / the last start call returned) and to the first
 * container started (Docker's own State.StartedAt). The order alternates between rounds; medians are printed
 * with the ratio Graphium / direct (target ≤ 1.25) and the time to the first container (target < 0.5 s).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Fleet } from '../test/support/fleet';
import { IDLE, jsonLdStack } from '../test/support/stacks';
import { docker, removeManaged, workspaceRoot, type TestDockerHost } from '../test/support/testHosts';

/** The part of dockerode used here (dockerode resolves from the agent package, which depends on it). */
interface DockerContainer {
  start(): Promise<unknown>;
}
interface Dockerode {
  createContainer(options: Record<string, unknown>): Promise<DockerContainer>;
}
const requireFromAgent = createRequire(join(workspaceRoot(), 'packages/agent/package.json'));
const DockerodeClass = requireFromAgent('dockerode') as new (options: { socketPath: string }) => Dockerode;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const ROUNDS = option('rounds', 5);
const CONTAINERS = option('containers', 30);
const CONCURRENCY = option('concurrency', 4);

interface Sample {
  allRunningMs: number;
  firstStartMs: number;
  /** Graphium only: request → the first task reported claimed (live event), the queue's own latency. */
  firstClaimMs?: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Earliest State.StartedAt among the containers of `stack` on every host, epoch ms. */
async function firstStartedAt(hosts: TestDockerHost[], stack: string): Promise<number> {
  let first = Infinity;
  for (const host of hosts) {
    const ids = (await docker(host, ['ps', '-q', '--no-trunc', '--filter', `label=graphium.stack=${stack}`])).split('\n').filter((id) => id !== '');
    if (ids.length === 0) continue;
    const times = (await docker(host, ['inspect', '--format', '{{.State.StartedAt}}', ...ids])).split('\n').filter((t) => t !== '');
    for (const t of times) first = Math.min(first, Date.parse(t));
  }
  return first;
}

const hostOf = (index: number, hostIds: string[]) => hostIds[index % hostIds.length]!;

async function throughGraphium(fleet: Fleet, round: number): Promise<Sample> {
  const name = `bench-g${round}`;
  const hostIds = fleet.hosts.map((h) => h.hostId);
  const definition = jsonLdStack(
    name,
    Array.from({ length: CONTAINERS }, (_, i) => ({ name: `c${i + 1}`, locatedInHost: hostOf(i, hostIds) })),
  );
  const events = await fleet.events({ stackId: `stack:${name}`, types: ['stack_running', 'stack_error', 'stack_degraded', 'task_updated'] });
  const t0 = Date.now();
  await fleet.api.deploy(definition);
  const settled = await events.waitFor((e) => e.type !== 'task_updated', 120_000, 'the stack to settle');
  const firstClaim = events.received.find((e) => e.type === 'task_updated' && ['claimed', 'running', 'completed'].includes(String(e.event.data.status)));
  if (settled.type !== 'stack_running') throw new Error(`bench stack ended ${settled.type}: ${settled.event.message ?? ''}`);
  const allRunningMs = settled.receivedAt - t0;
  const firstStartMs = (await firstStartedAt(fleet.hosts.map((h) => h.docker), name)) - t0;
  await events.close();
  await fleet.api.removeAndWait(`stack:${name}`, 120_000);
  return { allRunningMs, firstStartMs, firstClaimMs: firstClaim === undefined ? Number.NaN : firstClaim.receivedAt - t0 };
}

/** The same containers with dockerode: per host, CONCURRENCY create+start chains at once. */
async function direct(hosts: TestDockerHost[], round: number): Promise<Sample> {
  const name = `bench-d${round}`;
  const byHost = hosts.map((host) => ({ client: new DockerodeClass({ socketPath: host.socketPath }), names: [] as string[] }));
  for (let i = 0; i < CONTAINERS; i += 1) byHost[i % hosts.length]!.names.push(`c${i + 1}`);
  const t0 = Date.now();
  await Promise.all(
    byHost.map(async ({ client, names }) => {
      const queue = [...names];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const container = await client.createContainer({
              name: `${name}-${next}`,
              Image: 'busybox:latest',
              Cmd: IDLE,
              Labels: { 'graphium.managed': 'true', 'graphium.stack': name, 'graphium.container': next },
            });
            await container.start();
          }
        }),
      );
    }),
  );
  const allRunningMs = Date.now() - t0;
  const firstStartMs = (await firstStartedAt(hosts, name)) - t0;
  await removeManaged(hosts, [name]);
  return { allRunningMs, firstStartMs };
}

async function main(): Promise<void> {
  const fleet = await Fleet.start({ agentConcurrency: CONCURRENCY });
  const hosts = fleet.hosts.map((h) => h.docker);
  const graphium: Sample[] = [];
  const plain: Sample[] = [];
  try {
    // A warm-up of each, not counted: first image lookups, first connections.
    await throughGraphium(fleet, 0);
    await direct(hosts, 0);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const order = round % 2 === 1 ? ['graphium', 'direct'] : ['direct', 'graphium'];
      for (const which of order) {
        if (which === 'graphium') graphium.push(await throughGraphium(fleet, round));
        else plain.push(await direct(hosts, round));
      }
      const g = graphium[graphium.length - 1]!;
      const d = plain[plain.length - 1]!;
      console.log(
        `round ${round}: graphium all running ${g.allRunningMs} ms (first claim ${g.firstClaimMs} ms, first start ${g.firstStartMs} ms) | direct ${d.allRunningMs} ms (first start ${d.firstStartMs} ms)`,
      );
    }
  } finally {
    await fleet.close();
  }
  const g = median(graphium.map((s) => s.allRunningMs));
  const d = median(plain.map((s) => s.allRunningMs));
  const gFirst = median(graphium.map((s) => s.firstStartMs));
  const dFirst = median(plain.map((s) => s.firstStartMs));
  console.log('');
  console.log(`${CONTAINERS} containers over ${hosts.length} hosts, concurrency ${CONCURRENCY} per host, ${ROUNDS} rounds (medians):`);
  console.log(`  deploy request → all running:      graphium ${g} ms   direct dockerode ${d} ms   ratio ${(g / d).toFixed(2)}× (target ≤ 1.25×)`);
  console.log(`  deploy request → first task claimed: graphium ${median(graphium.map((s) => s.firstClaimMs ?? Number.NaN))} ms`);
  console.log(`  deploy request → first container:  graphium ${gFirst} ms   direct dockerode ${dFirst} ms   (target < 500 ms)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
