import { AGENT_VM1, REGISTRATION, testApp } from './support/testApp.js';

type App = ReturnType<typeof testApp>;

async function register(t: App): Promise<string> {
  const res = await t.request({ method: 'POST', url: '/api/v1/agents/vm1/register', token: AGENT_VM1, payload: REGISTRATION });
  expect(res.statusCode).toBe(200);
  return res.json().agentSession as string;
}

function claim(t: App, agentSession: string, wait = 0, holding: string[] = []) {
  return t.request({ method: 'POST', url: `/api/v1/agents/vm1/tasks/claim?wait=${wait}`, token: AGENT_VM1, payload: { agentSession, max: 5, holding } });
}

describe('agent routes', () => {
  it('registers, then claims, reports running and completed with the lease token', async () => {
    const t = testApp();
    const session = await register(t);
    const task = await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'web-nginx' });
    const claimed = await claim(t, session);
    expect(claimed.statusCode).toBe(200);
    const [handed] = claimed.json().tasks;
    expect(handed['@id']).toBe(task['@id']);
    const url = `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`;
    const running = await t.request({ method: 'PUT', url, token: AGENT_VM1, payload: { status: 'running', leaseToken: handed.lease.token, progress: { phase: 'stopping' } } });
    expect(running.json().status).toBe('running');
    const stale = await t.request({ method: 'PUT', url, token: AGENT_VM1, payload: { status: 'completed', leaseToken: 'not-the-lease', result: {} } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('TASK_LEASE_LOST');
    const done = await t.request({ method: 'PUT', url, token: AGENT_VM1, payload: { status: 'completed', leaseToken: handed.lease.token, result: { state: 'exited' } } });
    expect(done.json().status).toBe('completed');
  });

  it('a new registration hands back what the previous agent session held, and the old session is refused', async () => {
    const t = testApp();
    const first = await register(t);
    const task = await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'web-nginx' });
    expect((await claim(t, first)).json().tasks).toHaveLength(1);
    const second = await register(t);
    expect(second).not.toBe(first);
    expect((await t.queue.get(task['@id']))!.status).toBe('pending');
    const old = await claim(t, first);
    expect(old.statusCode).toBe(409);
    expect(old.json().error.code).toBe('AGENT_SESSION_CONFLICT');
    const heartbeat = await t.request({
      method: 'POST',
      url: '/api/v1/agents/vm1/heartbeat',
      token: AGENT_VM1,
      payload: { agentSession: first, load: { cpuPercent: 1, memoryUsed: 1, memoryAvailable: 1, containerCount: 0 } },
    });
    expect(heartbeat.statusCode).toBe(409);
    expect((await claim(t, second)).json().tasks).toHaveLength(1);
  });

  it('heartbeats with the live session and answers the host without its session', async () => {
    const t = testApp();
    const session = await register(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/agents/vm1/heartbeat',
      token: AGENT_VM1,
      payload: { agentSession: session, load: { cpuPercent: 12.5, memoryUsed: 100, memoryAvailable: 900, containerCount: 2 }, usedHostPorts: [8080] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ hostId: 'vm1', load: { containerCount: 2 }, usedHostPorts: [8080] });
    expect(res.json()).not.toHaveProperty('agentSession');
  });

  it('long-polls: a claim waiting for work returns as soon as a task arrives, and the latency is measured', async () => {
    const t = testApp();
    const session = await register(t);
    const started = Date.now();
    const pending = claim(t, session, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.queue.pendingClaims()).toBe(1);
    await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'web-nginx' });
    const res = await pending;
    expect(res.json().tasks).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await t.metrics.text()).toMatch(/graphium_claim_latency_seconds_count 1\n/);
  });

  it('caps the wait at claimWaitMaxSeconds and records no latency for an empty answer', async () => {
    const t = testApp({ claimWaitMaxSeconds: 1 });
    const session = await register(t);
    const started = Date.now();
    const res = await claim(t, session, 30);
    expect(res.json()).toEqual({ tasks: [] });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3_000);
    expect(await t.metrics.text()).toMatch(/graphium_claim_latency_seconds_count 0\n/);
  });

  it('answers held long-polls at once when the server shuts down', async () => {
    const t = testApp();
    const session = await register(t);
    const started = Date.now();
    const pending = claim(t, session, 20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.shutdown.abort();
    expect((await pending).json()).toEqual({ tasks: [] });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('lists the host\'s own tasks without claiming them', async () => {
    const t = testApp();
    await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'a' });
    await t.queue.createManual({ hostId: 'vm2', taskType: 'stop', containerName: 'b' });
    const res = await t.request({ method: 'GET', url: '/api/v1/agents/vm1/tasks?status=pending', token: AGENT_VM1 });
    expect(res.json().items.map((task: { containerName: string }) => task.containerName)).toEqual(['a']);
    expect((await t.queue.stats()).byStatus.pending).toBe(2);
  });
});
