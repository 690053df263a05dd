/**
 * The controller as a whole, over real HTTP, on the embedded store: simulated agents on three hosts deploy
 * the reference multi-host stack, the stack reaches `running`, live events arrive, task statistics add up,
 * deletion removes every container and then the stack itself.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startController, type RunningController } from '../../src/server.js';
import { SimulatedAgent, type Json } from './simulatedAgents.js';


const reference = readFileSync(join(__dirname, '../../../shared/test/fixtures/reference/nginx-multihost-stack.json'), 'utf8');
const HOSTS = [
  { hostId: 'localhost-docker', address: '127.0.0.1' },
  { hostId: 'vm1', address: '127.0.0.2' },
  { hostId: 'vm2', address: '127.0.0.3' },
];

let controller: RunningController;
let dataDir: string;
let admin: string;
let agents: SimulatedAgent[];

async function api(method: string, path: string, body?: unknown, token = admin, contentType = 'application/json') {
  const response = await fetch(`${controller.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'graphium-it-'));
  const config = loadConfig({ env: {}, flags: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' } });
  controller = await startController(config, { log: pino({ level: 'silent' }) });
  admin = controller.adminToken!;
  agents = [];
  for (const host of HOSTS) {
    const created = await api('POST', '/api/v1/tokens', { kind: 'agent', name: host.hostId, hostId: host.hostId });
    expect(created.status).toBe(201);
    const agent = new SimulatedAgent({ baseUrl: controller.url, token: created.body.token, ...host });
    await agent.register();
    agents.push(agent);
  }
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await controller.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a stack from deploy to deletion, over HTTP', () => {
  const stackId = 'stack:nginx-multihost';
  const path = `/api/v1/stacks/${encodeURIComponent(stackId)}`;
  const events: Array<{ type: string; data: Json }> = [];
  let stream: AbortController;

  beforeAll(async () => {
    stream = new AbortController();
    const response = await fetch(`${controller.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${admin}`, accept: 'text/event-stream' },
      signal: stream.signal,
    });
    expect(response.status).toBe(200);
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (type !== undefined && data !== undefined) events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
  });

  afterAll(() => stream.abort());

  it('plans without side effects', async () => {
    const planned = await api('POST', '/api/v1/stacks/plan', reference);
    expect(planned.status).toBe(200);
    expect(Object.fromEntries(Object.entries(planned.body.placements).map(([c, p]: [string, Json]) => [c, p.hostId]))).toEqual({
      'nginx-1': 'localhost-docker',
      'nginx-2': 'vm1',
      'nginx-3': 'vm2',
    });
    expect((await api('GET', path)).status).toBe(404);
  });

  it('accepts the deploy with 202 and a Location, creating tasks instead of touching Docker', async () => {
    const deployed = await api('POST', '/api/v1/stacks', reference);
    expect(deployed.status).toBe(202);
    expect(deployed.headers.get('location')).toBe(path);
    expect(deployed.body).toMatchObject({ stackId, generation: 1, status: 'deploying', format: 'jsonld' });
    const tasks = await api('GET', `/api/v1/tasks?stackId=${encodeURIComponent(stackId)}`);
    expect(tasks.body.items.map((t: Json) => [t.containerName, t.hostId, t.status])).toEqual(
      expect.arrayContaining([
        ['nginx-1', 'localhost-docker', 'pending'],
        ['nginx-2', 'vm1', 'pending'],
        ['nginx-3', 'vm2', 'pending'],
      ]),
    );
  });

  it('hands each agent only its own tasks; a report on another host is refused', async () => {
    const [local, vm1] = agents as [SimulatedAgent, SimulatedAgent];
    const claimed = await vm1.claim(5);
    expect(claimed.map((t) => [t.containerName, t.hostId])).toEqual([['nginx-2', 'vm1']]);
    const payload = claimed[0]!.payload;
    expect(payload.kind === 'deploy' && payload.containerSpec.environment).toEqual({ NGINX_HOST: 'vm1', NGINX_PORT: '80' });
    const foreign = await local.report(claimed[0]!, { status: 'running' });
    expect(foreign.status).toBe(403);
    const stale = await vm1.report({ ...claimed[0]!, lease: { ...claimed[0]!.lease!, token: 'stale' } }, { status: 'running' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('TASK_LEASE_LOST');
    await vm1.execute(claimed[0]!);
  });

  it('reaches running once every agent reported, with placements and ports', async () => {
    for (const agent of agents) agent.start();
    const view = await until('stack running', async () => {
      const got = await api('GET', path);
      return got.body?.stack?.status === 'running' ? got.body : undefined;
    });
    expect(view.deployment.progress).toBe(100);
    expect(view.deployment.placements['nginx-3']).toMatchObject({
      hostId: 'vm2',
      status: 'running',
      containerId: 'c-nginx-3',
      ports: [{ containerPort: 80, hostPort: 8083, protocol: 'tcp' }],
    });
    expect(view.deployment.explanation['nginx-1'].decidedBy).toBe('pinned by locatedInHost');
  });

  it('streamed the progress live', async () => {
    await until('stack_running event', async () => (events.some((e) => e.type === 'stack_running') ? true : undefined));
    const types = events.map((e) => e.type);
    expect(types).toContain('stack_deploying');
    expect(types.filter((t) => t === 'task_updated').length).toBeGreaterThanOrEqual(3);
    expect(types.indexOf('stack_deploying')).toBeLessThan(types.indexOf('stack_running'));
  });

  it('counts the tasks in the statistics', async () => {
    const stats = await api('GET', '/api/v1/tasks/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.byStatus.completed).toBe(3);
    expect(stats.body.byType.deploy).toBe(3);
    expect(stats.body.byHost.vm1.completed).toBe(1);
  });

  it('redeploys as a new generation without duplicating containers', async () => {
    const again = await api('POST', '/api/v1/stacks', reference);
    expect(again.status).toBe(202);
    expect(again.body.generation).toBe(2);
    const view = await until('generation 2 running', async () => {
      const got = await api('GET', path);
      return got.body?.stack?.status === 'running' && got.body.stack.generation === 2 ? got.body : undefined;
    });
    // Same hosts as before: each container is replaced in place by its deploy task, nothing is removed.
    // Listed straight away: a stack's task listing includes what the redeploy just wrote.
    const listed = await api('GET', `/api/v1/tasks?stackId=${encodeURIComponent(stackId)}&limit=100`);
    const generation2 = listed.body.items.filter((t: Json) => t.generation === 2);
    expect(generation2.map((t: Json) => t.taskType)).toEqual(['deploy', 'deploy', 'deploy']);
    expect(Object.keys(view.deployment.placements)).toHaveLength(3);
    // The new generation's explanation, stored beside the state the monitor rewrote as the tasks reported.
    expect(view.deployment.explanation['nginx-1'].decidedBy).toBe('pinned by locatedInHost');
    const stored = await controller.couch.db.stacks.get(`explanation:${stackId}`);
    expect(stored).toMatchObject({ '@type': 'PlacementExplanation', generation: 2 });
    expect(await controller.couch.db.stacks.get(`deployment:${stackId}`)).not.toHaveProperty('explanation');
  });

  it('deletes: removal tasks on every host, then the stack is gone', async () => {
    const deleted = await api('DELETE', path);
    expect(deleted.status).toBe(202);
    await until('stack gone', async () => ((await api('GET', path)).status === 404 ? true : undefined));
    // Its state and explanation went with it: nothing of the stack is left in the stacks database.
    const left = await controller.couch.db.stacks.list();
    expect(left.rows.map((row) => row.id).filter((id) => id.includes(stackId))).toEqual([]);
    const removes = agents.flatMap((a) => a.done.filter((t) => t.taskType === 'remove').map((t) => t.hostId)).sort();
    expect(removes).toEqual(['localhost-docker', 'vm1', 'vm2']);
    await until('stack_deleted event', async () => (events.some((e) => e.type === 'stack_deleted') ? true : undefined));
  });
});

describe('many held long-polls', () => {
  it('holds a claim per agent for its whole wait, and answers each', async () => {
    const fleet = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const hostId = `held-${i}`;
        const created = await api('POST', '/api/v1/tokens', { kind: 'agent', name: hostId, hostId });
        const agent = new SimulatedAgent({ baseUrl: controller.url, token: created.body.token, hostId, address: `127.0.1.${i + 1}` });
        await agent.register();
        return agent;
      }),
    );
    const started = Date.now();
    const answers = await Promise.all(fleet.map((agent) => agent.claim(1)));
    expect(answers).toEqual(fleet.map(() => []));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // held for the wait, not answered at once
  });
});
