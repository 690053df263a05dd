/**
 * Who may call what (src/auth/access.ts): 401 without a valid token, 403 for the wrong kind of token,
 * agent tokens bound to their host.
 */
import { ADMIN, AGENT_VM1, AGENT_VM2, REGISTRATION, testApp, USER } from './support/testApp.js';

const USER_ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/stacks'],
  ['GET', '/api/v1/stacks/web'],
  ['POST', '/api/v1/stacks/web/stop'],
  ['DELETE', '/api/v1/stacks/web'],
  ['GET', '/api/v1/hosts'],
  ['POST', '/api/v1/hosts/vm1/drain'],
  ['GET', '/api/v1/tasks'],
  ['GET', '/api/v1/tasks/stats'],
  ['GET', '/api/v1/tasks/t1'],
  ['POST', '/api/v1/tasks/t1/cancel'],
  ['GET', '/api/v1/events/history'],
];

describe('authentication', () => {
  it('refuses a request without a token: 401 with a Bearer challenge', async () => {
    const { request } = testApp();
    const res = await request({ method: 'GET', url: '/api/v1/stacks' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="graphium"');
    expect(res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('bearer token') } });
  });

  it('refuses an unknown token and a malformed header: 401 invalid_token', async () => {
    const { request } = testApp();
    for (const authorization of ['Bearer gru_nope', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const res = await request({ method: 'GET', url: '/api/v1/stacks', headers: { authorization } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="graphium", error="invalid_token"');
    }
  });

  it('asks for a token on unknown /api paths too (no route map for strangers)', async () => {
    const { request } = testApp();
    expect((await request({ method: 'GET', url: '/api/v1/nothing' })).statusCode).toBe(401);
    expect((await request({ method: 'GET', url: '/api/v1/nothing', token: USER })).statusCode).toBe(404);
  });

  it('keeps /healthz and /metrics open', async () => {
    const { request } = testApp();
    expect((await request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await request({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it('closes /metrics to strangers when the operator asks', async () => {
    const { request } = testApp({ metricsRequireToken: true });
    expect((await request({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await request({ method: 'GET', url: '/metrics', token: AGENT_VM1 })).statusCode).toBe(403);
    expect((await request({ method: 'GET', url: '/metrics', token: USER })).statusCode).toBe(200);
  });
});

describe('authorization', () => {
  it.each(USER_ROUTES)('%s %s: agent tokens get 403, users get past the guard', async (method, url) => {
    const { request } = testApp();
    const asAgent = await request({ method: method as 'GET', url, token: AGENT_VM1 });
    expect(asAgent.statusCode).toBe(403);
    expect(asAgent.json().error.code).toBe('FORBIDDEN');
    for (const token of [USER, ADMIN]) {
      const res = await request({ method: method as 'GET', url, token });
      expect([200, 202, 404]).toContain(res.statusCode);
    }
  });

  it('lets an agent use the agent routes of its own host only', async () => {
    const { request } = testApp();
    const own = await request({ method: 'POST', url: '/api/v1/agents/vm1/register', token: AGENT_VM1, payload: REGISTRATION });
    expect(own.statusCode).toBe(200);
    const other = await request({ method: 'POST', url: '/api/v1/agents/vm2/register', token: AGENT_VM1, payload: REGISTRATION });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain('belongs to host "vm1"');
    for (const url of ['/api/v1/agents/vm2/tasks', '/api/v1/agents/vm1/tasks']) {
      const res = await request({ method: 'GET', url, token: AGENT_VM2 });
      expect(res.statusCode).toBe(url.includes('vm2') ? 200 : 403);
    }
  });

  it('keeps users and admins off the agent routes', async () => {
    const { request } = testApp();
    for (const token of [USER, ADMIN]) {
      const register = await request({ method: 'POST', url: '/api/v1/agents/vm1/register', token, payload: REGISTRATION });
      expect(register.statusCode).toBe(403);
      const report = await request({ method: 'PUT', url: '/api/v1/tasks/t1/status', token, payload: { status: 'released', leaseToken: 'x' } });
      expect(report.statusCode).toBe(403);
    }
  });

  it('refuses a status report on another host\'s task: 403', async () => {
    const { request, queue, hosts } = testApp();
    const task = await queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'web-nginx' });
    const { agentSession } = await hosts.register('vm1', { ...REGISTRATION, labels: {} });
    const [claimed] = await queue.claim({ hostId: 'vm1', agentSession, max: 1, holding: [], waitMs: 0 });
    const res = await request({
      method: 'PUT',
      url: `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`,
      token: AGENT_VM2,
      payload: { status: 'running', leaseToken: claimed!.lease!.token },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect((await queue.get(task['@id']))!.status).toBe('claimed');
  });

  it('lets only admins mint tokens, and never admin tokens', async () => {
    const { request, tokens } = testApp();
    const body = { kind: 'agent', name: 'vm3-agent', hostId: 'vm3' };
    expect((await request({ method: 'POST', url: '/api/v1/tokens', token: USER, payload: body })).statusCode).toBe(403);
    expect((await request({ method: 'POST', url: '/api/v1/tokens', token: AGENT_VM1, payload: body })).statusCode).toBe(403);
    const created = await request({ method: 'POST', url: '/api/v1/tokens', token: ADMIN, payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { token, principal } = created.json();
    expect(principal).toEqual({ kind: 'agent', name: 'vm3-agent', hostId: 'vm3' });
    expect(tokens.tokens.get(token)).toEqual(principal);
    const admin = await request({ method: 'POST', url: '/api/v1/tokens', token: ADMIN, payload: { kind: 'admin', name: 'root' } });
    expect(admin.statusCode).toBe(422);
    const agentWithoutHost = await request({ method: 'POST', url: '/api/v1/tokens', token: ADMIN, payload: { kind: 'agent', name: 'x' } });
    expect(agentWithoutHost.statusCode).toBe(422);
    expect(agentWithoutHost.json().error.details.issues).toEqual([{ path: 'hostId', message: expect.any(String) }]);
  });

  it('serves the OpenAPI document to any valid token', async () => {
    const { request } = testApp();
    for (const token of [USER, ADMIN, AGENT_VM1]) {
      expect((await request({ method: 'GET', url: '/api/v1/openapi.json', token })).statusCode).toBe(200);
    }
  });
});
