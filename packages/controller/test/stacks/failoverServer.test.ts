/**
 * The whole controller over HTTP on the embedded store, with simulated agents and a manual clock: failover is
 * wired in by default (a host that misses its heartbeats has its container moved within a liveness sweep), and
 * `failover: false` leaves the container where it is. The liveness sweep runs on its real 5 s interval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startController, type RunningController } from '../../src/server.js';
import { SimulatedAgent, type Json } from '../integration/simulatedAgents.js';
import { ManualClock } from '../support/manualClock.js';
import { wiredStack } from '../support/wiredStack.js';

jest.setTimeout(60_000);

const HOSTS = [
  { hostId: 'd1', address: '127.0.0.11', labels: { role: 'db' } },
  { hostId: 'd2', address: '127.0.0.12', labels: { role: 'db' } },
  { hostId: 'd3', address: '127.0.0.13', labels: { role: 'app' } },
];
const STACK = wiredStack('wired');
const path = `/api/v1/stacks/${encodeURIComponent('stack:wired')}`;

interface Started {
  controller: RunningController;
  clock: ManualClock;
  agents: Map<string, SimulatedAgent>;
  logs: Array<Record<string, unknown>>;
  dataDir: string;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

let started: Started | undefined;
afterEach(async () => {
  if (started === undefined) return;
  await Promise.all([...started.agents.values()].map((a) => a.stop()));
  await started.controller.close();
  rmSync(started.dataDir, { recursive: true, force: true });
  started = undefined;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(failover: string | undefined): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'graphium-failover-'));
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const clock = new ManualClock(Date.now());
  const flags = { port: 0, host: '127.0.0.1', dataDir, ...(failover === undefined ? {} : { failover }) };
  const controller = await startController(loadConfig({ env: {}, flags }), { log, clock });
  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${controller.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${controller.adminToken!}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Json) };
  };
  const agents = new Map<string, SimulatedAgent>();
  started = { controller, clock, agents, logs, dataDir, api };
  for (const host of HOSTS) {
    const token = await api('POST', '/api/v1/tokens', { kind: 'agent', name: host.hostId, hostId: host.hostId });
    const agent = new SimulatedAgent({ baseUrl: controller.url, token: token.body.token, hostId: host.hostId, address: host.address });
    await agent.register();
    // Labels come with a registration; SimulatedAgent registers without, so register again with them.
    const again = await agent.call('POST', `/api/v1/agents/${host.hostId}/register`, {
      address: host.address,
      labels: host.labels,
      resources: { cpus: 4, memory: 8 * 2 ** 30 },
    });
    agent.session = again.body.agentSession;
    await heartbeat(agent, host.hostId);
    agents.set(host.hostId, agent);
  }
  return started;
}

async function heartbeat(agent: SimulatedAgent, hostId: string): Promise<void> {
  const answer = await agent.call('POST', `/api/v1/agents/${hostId}/heartbeat`, {
    agentSession: agent.session,
    load: { cpuPercent: 5, memoryUsed: 2 ** 30, memoryAvailable: 7 * 2 ** 30, containerCount: 0 },
  });
  if (answer.status !== 200) throw new Error(`heartbeat ${hostId}: ${answer.status}`);
}

/** Deploys and runs the stack; answers db's host and the other role=db host. */
async function deployed(s: Started): Promise<{ from: string; to: string }> {
  expect((await s.api('POST', '/api/v1/stacks', STACK)).status).toBe(202);
  for (const agent of s.agents.values()) agent.start();
  const view = await until('stack running', async () => {
    const got = await s.api('GET', path);
    return got.body?.stack?.status === 'running' ? got.body : undefined;
  });
  const from = view.deployment.placements.db.hostId as string;
  return { from, to: from === 'd1' ? 'd2' : 'd1' };
}

/** The clock passes the heartbeat timeout; the hosts in `alive` beat again; waits until `down` is offline. */
async function miss(s: Started, down: string, alive: string[]): Promise<void> {
  s.clock.advance(31_000);
  for (const hostId of alive) await heartbeat(s.agents.get(hostId)!, hostId);
  await until(`${down} offline`, async () => {
    const hosts = await s.api('GET', '/api/v1/hosts');
    return hosts.body.items.find((h: Json) => h.hostId === down)?.status === 'offline' ? true : undefined;
  });
}

const failoverEvents = async (s: Started) =>
  ((await s.api('GET', '/api/v1/events/history?stackId=stack:wired')).body.items as Json[]).filter((e) => e.type === 'stack_failover');

it('is on by default: the container moves off the host that went offline, and the stack runs again', async () => {
  const s = await start(undefined);
  const { from, to } = await deployed(s);
  await s.agents.get(from)!.stop();
  await miss(s, from, [to, 'd3']);
  const view = await until('running after failover', async () => {
    const got = await s.api('GET', path);
    return got.body?.stack?.operation === 1 && got.body.stack.status === 'running' ? got.body : undefined;
  });
  expect(view.deployment.placements.db).toMatchObject({ hostId: to, status: 'running' });
  // The explanation says why db went where it is now; the container that stayed keeps its own.
  expect(view.deployment.explanation.db.chosen).toBe(to);
  expect(view.deployment.explanation.api.chosen).toBe(view.deployment.placements.api.hostId);
  expect(await failoverEvents(s)).toHaveLength(1);
  expect(s.logs.some((l) => l['event'] === 'stack.failover')).toBe(true);
});

it('with failover off, leaves the container on the offline host', async () => {
  const s = await start('off');
  expect(s.logs.some((l) => l['event'] === 'failover.disabled')).toBe(true);
  const { from, to } = await deployed(s);
  await s.agents.get(from)!.stop();
  await miss(s, from, [to, 'd3']);
  // Sweeps never overlap: once a later sweep marked d3 offline, the one that marked `from` had finished.
  await miss(s, 'd3', [to]);
  const view = (await s.api('GET', path)).body;
  expect(view.stack).toMatchObject({ status: 'running', operation: 0 });
  expect(view.deployment.placements.db.hostId).toBe(from);
  expect(await failoverEvents(s)).toEqual([]);
});
