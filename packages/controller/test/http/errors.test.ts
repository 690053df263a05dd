/** One error shape for everything that can go wrong, and the right status for each. */
import { AppError } from '@graphium/shared';
import { AGENT_VM1, REGISTRATION, testApp, USER } from './support/testApp.js';

const json = { 'content-type': 'application/json' };

describe('error answers', () => {
  it('413 for a body over the limit', async () => {
    const { request } = testApp({ bodyLimitBytes: 64 });
    const res = await request({ method: 'POST', url: '/api/v1/tasks', token: USER, payload: { containerName: 'x'.repeat(200) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('64 bytes'), details: { limitBytes: 64 } } });
    const definition = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'application/yaml' }, payload: 'a: 1\n'.repeat(50) });
    expect(definition.statusCode).toBe(413);
  });

  it('400 for malformed JSON', async () => {
    const { request } = testApp();
    const res = await request({ method: 'POST', url: '/api/v1/tasks', token: USER, headers: json, payload: '{"hostId": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toMatch(/not valid JSON/);
  });

  it('422 for a body that breaks its schema, naming every issue by path', async () => {
    const { request } = testApp();
    const res = await request({
      method: 'POST',
      url: '/api/v1/tasks',
      token: USER,
      payload: { hostId: '', taskType: 'deploy', containerName: 'web', payload: { stopTimeoutSeconds: -1 } },
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['hostId', 'payload.stopTimeoutSeconds', 'taskType']);
    expect(error.message).toMatch(/and 2 more/);
  });

  it('422 with nested paths for agent messages', async () => {
    const { request } = testApp();
    const res = await request({
      method: 'POST',
      url: '/api/v1/agents/vm1/register',
      token: AGENT_VM1,
      payload: { address: '10.0.0.5', resources: { cpus: 0, memory: 1.5 } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['resources.cpus', 'resources.memory']);
  });

  it('400 for a query string that breaks its schema', async () => {
    const { request } = testApp();
    const res = await request({ method: 'GET', url: '/api/v1/tasks?limit=0&status=sleeping', token: USER });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'status']);
  });

  it('404 for an unknown route and for unknown ids', async () => {
    const { request } = testApp();
    const route = await request({ method: 'GET', url: '/nowhere' });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /nowhere' } });
    for (const url of ['/api/v1/tasks/task:none', '/api/v1/hosts/none', '/api/v1/stacks/none']) {
      const res = await request({ method: 'GET', url, token: USER });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('405 with Allow for a method the path does not serve; OPTIONS answers Allow', async () => {
    const { request } = testApp();
    const res = await request({ method: 'PATCH', url: '/api/v1/stacks', token: USER });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST, GET, HEAD, OPTIONS');
    expect(res.json().error.code).toBe('METHOD_NOT_ALLOWED');
    const put = await request({ method: 'PUT', url: '/healthz' });
    expect(put.statusCode).toBe(405);
    const options = await request({ method: 'OPTIONS', url: '/api/v1/tasks/t1', token: USER });
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('415 for a body of another media type', async () => {
    const { request } = testApp();
    const form = await request({
      method: 'POST',
      url: '/api/v1/tasks',
      token: USER,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'hostId=vm1',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const zip = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'application/zip' }, payload: 'PK' });
    expect(zip.statusCode).toBe(415);
    expect(zip.json().error.details.accepted).toContain('application/yaml');
  });

  it('maps AppErrors from the services through the shared table', async () => {
    const { request, stacks } = testApp();
    stacks.failWith = new AppError('PLACEMENT_UNSATISFIABLE', 'no host has 64 CPUs', { details: { container: 'db' } });
    const res = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: { code: 'PLACEMENT_UNSATISFIABLE', message: 'no host has 64 CPUs', details: { container: 'db' } } });
  });

  it('500 INTERNAL for anything unexpected: logged with the request id, not described to the client', async () => {
    const { request, stacks, logs } = testApp();
    stacks.failWith = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const res = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'text/plain', 'x-request-id': 'req-42' }, payload: 'x' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; quote request id req-42 to the operator' } });
    expect(res.body).not.toContain('secret');
    const logged = logs.find((l) => l.event === 'http.error');
    expect(logged).toMatchObject({ reqId: 'req-42', level: 50, err: { type: 'TypeError' } });
  });

  it('503 STORE_UNAVAILABLE when the store answers 5xx', async () => {
    const { request, stacks } = testApp();
    stacks.failWith = Object.assign(new Error('couch returned 503'), { scope: 'couch', statusCode: 503 });
    const res = await request({ method: 'POST', url: '/api/v1/stacks', token: USER, headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
  });

  it('400, not 500, for a path with broken %-encoding', async () => {
    const { request } = testApp();
    const res = await request({ method: 'GET', url: '/api/v1/tasks/%E0%A4%A', token: USER });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });
});

describe('request context', () => {
  it('echoes a sane x-request-id, replaces an insane one', async () => {
    const { request } = testApp();
    expect((await request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    const replaced = (await request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\u0001c' } })).headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one http.request event per request, with the route template', async () => {
    const { request, logs } = testApp();
    await request({ method: 'GET', url: '/api/v1/tasks/task:abc', token: USER, headers: { 'x-request-id': 'r1' } });
    const access = logs.filter((l) => l.event === 'http.request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ reqId: 'r1', method: 'GET', route: '/api/v1/tasks/:id', status: 404, ms: expect.any(Number) });
  });

  it('answers /healthz from the store probe', async () => {
    const { request, storeUp } = testApp();
    expect((await request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    storeUp.value = false;
    const down = await request({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable' });
  });

  it('ignores REGISTRATION fields it does not know (agents may be newer than the controller)', async () => {
    const { request } = testApp();
    const res = await request({ method: 'POST', url: '/api/v1/agents/vm1/register', token: AGENT_VM1, payload: { ...REGISTRATION, futureField: 1 } });
    expect(res.statusCode).toBe(200);
  });
});
