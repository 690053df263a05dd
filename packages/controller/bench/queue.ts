/**
 * Task queue benchmark, in process: one CouchTaskQueue on a fresh embedded store (or COUCHDB_URL), N
 * simulated agents (one per host) long-polling it directly, each running `concurrency` tasks at a time
 * (claim → running → completed). Tasks are inserted in bursts while the agents poll, like deploys arriving.
 * Prints tasks/s end to end (first insert → last completion), pickup latency (insert → claim returned,
 * p50/p99), the store requests behind it, and RSS. Not a test: figures depend on the machine.
 *
 *   pnpm exec tsx packages/controller/bench/queue.ts [--agents 100] [--tasks 10000] [--concurrency 4]
 *     [--burst 500] [--rate 0] [--stats-every 0]
 *
 * --rate N inserts N tasks/s (in bursts of --burst) instead of as fast as possible: pickup latency then
 * means something (a saturated queue only measures its backlog). --stats-every MS calls stats() that often
 * during the run, the way a Prometheus scrape of /metrics does: on the embedded store a queried view
 * catches up on every task write, and this shows what that costs.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GRAPHIUM_CONTEXT, queueKeyOf, type AgentTaskDocument } from '@graphium/shared';
import pino from 'pino';
import { CouchTaskQueue } from '../src/queue/couchTaskQueue.js';
import { connectCouch, ensureSchema } from '../src/store/couch.js';
import { startEmbeddedStore, type EmbeddedStore } from '../src/store/embedded.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '100' },
    tasks: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
    burst: { type: 'string', default: '500' },
    rate: { type: 'string', default: '0' },
    'stats-every': { type: 'string', default: '0' },
  },
});
const AGENTS = Number(values.agents);
const TASKS = Number(values.tasks);
const CONCURRENCY = Number(values.concurrency);
const BURST = Number(values.burst);
const RATE = Number(values.rate);
const STATS_EVERY_MS = Number(values['stats-every']);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function benchTask(index: number, nowMs: number): AgentTaskDocument {
  const id = `task:bench:${index}`;
  const dateCreated = new Date(nowMs).toISOString();
  return {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'AgentTask',
    '@id': id,
    _id: id,
    taskType: 'deploy',
    status: 'pending',
    hostId: `host-${index % AGENTS}`,
    stackId: `bench-${Math.floor(index / 10)}`,
    containerName: `c${index}`,
    priority: 5,
    payload: { kind: 'target', containerName: `bench-c${index}`, stopTimeoutSeconds: 10 },
    dependsOn: [],
    dependsOnHealthy: [],
    wakeHosts: [],
    queueKey: queueKeyOf(5, dateCreated),
    attempt: 0,
    maxAttempts: 3,
    timeoutSeconds: 300,
    dateCreated,
  };
}

async function main(): Promise<void> {
  const externalUrl = process.env['COUCHDB_URL'];
  const dataDir = mkdtempSync(join(tmpdir(), 'graphium-bench-'));
  let store: EmbeddedStore | undefined;
  let endpoint: { url: string; token?: string };
  if (externalUrl) {
    endpoint = { url: externalUrl };
  } else {
    store = await startEmbeddedStore({ dataDir });
    endpoint = { url: store.url, token: store.token };
  }
  const couch = connectCouch({ ...endpoint, prefix: `bench${Date.now()}_` });
  await ensureSchema(couch);

  // Count store requests by kind.
  const requests: Record<string, number> = {};
  const db = couch.db.tasks as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['find', 'fetch', 'bulk', 'view']) {
    const original = db[method]?.bind(db);
    if (original === undefined) continue;
    db[method] = (...args: unknown[]) => {
      requests[method] = (requests[method] ?? 0) + 1;
      return original(...args);
    };
  }

  const queue = new CouchTaskQueue({ couch, log: pino({ level: 'warn' }) });
  await queue.start();

  const insertedAt = new Map<string, number>();
  const pickup: number[] = [];
  let completed = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every simulated agent's long-poll listens to it

  async function agent(hostId: string): Promise<void> {
    const holding = new Set<string>();
    const running: Promise<void>[] = [];
    while (!stop.signal.aborted) {
      const free = CONCURRENCY - holding.size;
      if (free <= 0) {
        await Promise.race(running);
        continue;
      }
      const claimed = await queue.claim({ hostId, agentSession: `session-${hostId}`, max: free, holding: [...holding], waitMs: 30_000, signal: stop.signal });
      const now = performance.now();
      for (const task of claimed) {
        const id = task['@id'];
        pickup.push(now - (insertedAt.get(id) ?? now));
        holding.add(id);
        const leaseToken = task.lease?.token ?? '';
        const work = (async () => {
          await queue.report(id, hostId, { status: 'running', leaseToken, progress: { phase: 'starting' } });
          await queue.report(id, hostId, { status: 'completed', leaseToken, result: { ports: [], state: 'running' } });
          holding.delete(id);
          completed += 1;
          if (completed === TASKS) allDone();
        })();
        const tracked: Promise<void> = work.finally(() => running.splice(running.indexOf(tracked), 1));
        running.push(tracked);
      }
    }
  }

  const agents = Array.from({ length: AGENTS }, (_, i) => agent(`host-${i}`));
  await new Promise((resolve) => setTimeout(resolve, 200)); // agents are polling
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const statsTimes: number[] = [];
  const scraper =
    STATS_EVERY_MS > 0
      ? setInterval(() => {
          const at = performance.now();
          void queue.stats().then(() => statsTimes.push(performance.now() - at));
        }, STATS_EVERY_MS)
      : undefined;
  for (let inserted = 0; inserted < TASKS; inserted += BURST) {
    if (RATE > 0) {
      const due = started + (inserted / RATE) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    const burst = Array.from({ length: Math.min(BURST, TASKS - inserted) }, (_, i) => benchTask(inserted + i, Date.now()));
    const at = performance.now();
    for (const task of burst) insertedAt.set(task['@id'], at);
    await queue.insertMany(burst);
  }
  const insertedMs = performance.now() - started;
  await finished;
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(scraper);
  stop.abort();
  await Promise.all(agents);
  await queue.stop();

  pickup.sort((a, b) => a - b);
  const perTask = (n: number | undefined) => ((n ?? 0) / TASKS).toFixed(2);
  console.log(`store            ${externalUrl ? 'CouchDB at COUCHDB_URL' : 'embedded (PouchDB via express-pouchdb)'}`);
  const pace = RATE > 0 ? `, inserted at ${RATE}/s` : '';
  console.log(`agents           ${AGENTS} × concurrency ${CONCURRENCY}, ${TASKS} tasks in bursts of ${BURST}${pace}`);
  console.log(`inserted in      ${insertedMs.toFixed(0)} ms`);
  console.log(`end to end       ${elapsedMs.toFixed(0)} ms → ${(TASKS / (elapsedMs / 1000)).toFixed(0)} task lifecycles/s`);
  console.log(`pickup latency   p50 ${percentile(pickup, 50).toFixed(0)} ms, p99 ${percentile(pickup, 99).toFixed(0)} ms`);
  console.log(`CPU (process)    ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
  console.log(`store requests   find ${requests['find'] ?? 0} (${perTask(requests['find'])}/task), _all_docs ${requests['fetch'] ?? 0}, _bulk_docs ${requests['bulk'] ?? 0}`);
  if (statsTimes.length > 0) {
    statsTimes.sort((a, b) => a - b);
    console.log(`stats() calls    ${statsTimes.length}, p50 ${percentile(statsTimes, 50).toFixed(0)} ms, max ${percentile(statsTimes, 100).toFixed(0)} ms`);
  }
  console.log(`RSS              ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
