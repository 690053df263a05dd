/**
 * The agent's own overhead, measured on a real dockerd (test host 3, scripts/testHosts/up.sh):
 *   direct: 20 × dockerode createContainer + start, 4 at a time;
 *   agent:  20 deploy tasks through the agent's executors (inspect, image check, port check, create, start,
 *           inspect), 4 at a time.
 * Both in one run, alternating for several rounds; the ratio of the medians is the figure. Then the idle
 * RSS of a real agent process registered with a stand-in controller and long-polling.
 *
 *   npx tsx packages/agent/bench/overhead.ts [rounds=3] [containers=20] [concurrency=4]
 * (the RSS part runs packages/agent/dist/main.js: build with `npx tsc -b` first)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';
import pino from 'pino';
import { DockerodePort } from '../src/docker/dockerodePort';
import { executeTask } from '../src/executors/executeTask';
import { STRICT_POLICY } from '../src/executors/hostPolicy';
import { ensureDockerHosts, workspaceRoot } from '../test/support/dockerHosts';
import { FakeController } from '../test/support/fakeController';
import { deployTask } from '../test/support/tasks';

const [rounds = 3, count = 20, concurrency = 4] = process.argv.slice(2).map(Number);
const host = ensureDockerHosts().hosts[2]!;
const docker = new Dockerode({ socketPath: host.socketPath });
const port = new DockerodePort(docker);
const log = pino({ level: 'silent' });

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function cleanup(prefix: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [prefix] }) });
  await pool(containers, 8, (c) => docker.getContainer(c.Id).remove({ force: true }));
}

async function direct(round: number): Promise<number> {
  const names = Array.from({ length: count }, (_, i) => `bench-direct-${round}-${i}`);
  const started = performance.now();
  await pool(names, concurrency, async (name) => {
    const container = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sleep', '300'], Labels: { 'graphium.bench': 'direct' } });
    await container.start();
  });
  const ms = performance.now() - started;
  await cleanup(`bench-direct-${round}-`);
  return ms;
}

async function agent(round: number): Promise<number> {
  const tasks = Array.from({ length: count }, (_, i) => deployTask({ stack: `bench-agent-${round}`, container: { name: `c${i}` } }));
  const started = performance.now();
  await pool(tasks, concurrency, (task) =>
    executeTask(task, { docker: port, policy: STRICT_POLICY, log, signal: new AbortController().signal, progress: () => undefined }),
  );
  const ms = performance.now() - started;
  await cleanup(`bench-agent-${round}-`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** RSS of a real agent process left idle (long-polling, heartbeating every 10 s as in production), sampled 5 times. */
async function idleRss(): Promise<number[]> {
  const controller = await FakeController.start();
  controller.heartbeatIntervalSeconds = 10;
  const main = join(workspaceRoot(), 'packages/agent/dist/main.js');
  const child = spawn(process.execPath, [main, '--host-id', 'bench', '--controller', controller.url, '--token', controller.token, '--docker-host', host.dockerHost, '--address', host.address, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await controller.waitFor(() => controller.heartbeats.length >= 1 && controller.claims.length >= 1, 15_000);
    await sleep(10_000);
    const samples: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      samples.push(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024);
      await sleep(1000);
    }
    return samples;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await controller.close();
  }
}

async function main(): Promise<void> {
  await cleanup('bench-');
  // Warm both paths (image cache, daemon code paths) before measuring.
  await direct(-1);
  await agent(-1);
  const directMs: number[] = [];
  const agentMs: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    directMs.push(await direct(round));
    agentMs.push(await agent(round));
  }
  const ratio = median(agentMs) / median(directMs);
  const rss = await idleRss();
  const fmt = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  console.log(`engine: dockerd on ${host.name} (${host.dockerHost}); ${count} containers, concurrency ${concurrency}, ${rounds} rounds`);
  console.log(`direct create+start (ms): ${fmt(directMs)}  median ${median(directMs).toFixed(0)}`);
  console.log(`agent deploy        (ms): ${fmt(agentMs)}  median ${median(agentMs).toFixed(0)}`);
  console.log(`ratio agent/direct: ${ratio.toFixed(3)}  (target ≤ 1.15)`);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`agent idle RSS: median ${mib(median(rss))} MiB, max ${mib(Math.max(...rss))} MiB over ${rss.length} samples  (target < 80 MiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
