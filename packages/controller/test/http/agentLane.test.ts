/**
 * The agent lane answers the fleet's hot routes before express. It must answer them exactly as express
 * does: the same status, headers and body for every failure, the same shape for every success. Each case
 * runs on two apps prepared alike, one through the server's listener (the lane) and one through express
 * alone.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { inject, type InjectOptions, type Response } from 'light-my-request';
import { AppError } from '@graphium/shared';
import pino from 'pino';
import { request } from 'undici';
import { agentLane, type LaneRoute } from '../../src/http/agentLane.js';
import { jsonBody } from '../../src/http/bodies.js';
import { DEFAULT_APP_OPTIONS } from '../../src/http/deps.js';
import { Metrics } from '../../src/metrics.js';
import { MemoryTaskQueue } from '../../src/queue/memoryTaskQueue.js';
import { FakeTokens } from './support/fakes.js';
import { listen } from './support/listen.js';
import { ADMIN, AGENT_VM1, AGENT_VM2, REGISTRATION, testApp, USER, type TestApp } from './support/testApp.js';

const LOAD = { cpuPercent: 1, memoryUsed: 1, memoryAvailable: 1, containerCount: 0 };

interface Prepared {
  t: TestApp;
  taskId: string;
  taskUrl: string;
  lease: string;
}

/** A registered vm1 with one claimed task (session-1, then its status URL and lease token). */
async function prepared(): Promise<Prepared> {
  const t = testApp({ bodyLimitBytes: 512 });
  await t.hosts.register('vm1', REGISTRATION);
  await t.hosts.register('vm2', REGISTRATION);
  const task = await t.queue.createManual({ hostId: 'vm1', taskType: 'stop', containerName: 'web-nginx' });
  const [claimed] = await t.queue.claim({ hostId: 'vm1', agentSession: 'session-1', max: 1, holding: [], waitMs: 0 });
  return { t, taskId: task['@id'], taskUrl: `/api/v1/tasks/${encodeURIComponent(task['@id'])}/status`, lease: claimed!.lease!.token };
}

type Case = [name: string, request: (p: Prepared) => InjectOptions];

const claimUrl = '/api/v1/agents/vm1/tasks/claim?wait=0';
const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const claimBody = JSON.stringify({ agentSession: 'session-1', max: 1, holding: [] });

const FAILURES: Case[] = [
  ['claim without a token', () => ({ method: 'POST', url: claimUrl, headers: json, payload: claimBody })],
  ['claim with an unknown token', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer('grh_nobody') }, payload: claimBody })],
  ['claim with a Basic credential', () => ({ method: 'POST', url: claimUrl, headers: { ...json, authorization: 'Basic dm0xOng=' }, payload: claimBody })],
  ['claim with a user token', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(USER) }, payload: claimBody })],
  ['claim with the admin token', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(ADMIN) }, payload: claimBody })],
  ['claim with another host\'s token', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM2) }, payload: claimBody })],
  ['claim as text/plain', () => ({ method: 'POST', url: claimUrl, headers: { 'content-type': 'text/plain', ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['claim in latin1', () => ({ method: 'POST', url: claimUrl, headers: { 'content-type': 'application/json; charset=latin1', ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['claim with an unknown content encoding', () => ({ method: 'POST', url: claimUrl, headers: { ...json, 'content-encoding': 'compress', ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['claim that is not JSON', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: '{"agentSession":' })],
  ['claim over the body limit', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ agentSession: 'x'.repeat(600) }) })],
  ['claim without a session', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: '{"max":2}' })],
  ['claim with an array for a body', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: '[]' })],
  ['claim waiting "soon"', () => ({ method: 'POST', url: '/api/v1/agents/vm1/tasks/claim?wait=soon', headers: { ...json, ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['claim with a stale session', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ agentSession: 'session-0' }) })],
  ['claim read with GET', () => ({ method: 'GET', url: claimUrl, headers: bearer(AGENT_VM1) })],
  ['heartbeat without a token', () => ({ method: 'POST', url: '/api/v1/agents/vm1/heartbeat', headers: json, payload: '{}' })],
  ['heartbeat for another host', () => ({ method: 'POST', url: '/api/v1/agents/vm2/heartbeat', headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ agentSession: 'session-2', load: LOAD }) })],
  ['heartbeat without its load', () => ({ method: 'POST', url: '/api/v1/agents/vm1/heartbeat', headers: { ...json, ...bearer(AGENT_VM1) }, payload: '{"agentSession":"session-1"}' })],
  ['status from a user token', ({ taskUrl, lease }) => ({ method: 'PUT', url: taskUrl, headers: { ...json, ...bearer(USER) }, payload: JSON.stringify({ status: 'running', leaseToken: lease }) })],
  ['status from another host', ({ taskUrl, lease }) => ({ method: 'PUT', url: taskUrl, headers: { ...json, ...bearer(AGENT_VM2) }, payload: JSON.stringify({ status: 'running', leaseToken: lease }) })],
  ['status with a stale lease', ({ taskUrl }) => ({ method: 'PUT', url: taskUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ status: 'running', leaseToken: 'old' }) })],
  ['status of an unknown task', ({ lease }) => ({ method: 'PUT', url: '/api/v1/tasks/task%3Anone/status', headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ status: 'running', leaseToken: lease }) })],
  ['status that is no status', ({ taskUrl, lease }) => ({ method: 'PUT', url: taskUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ status: 'sleeping', leaseToken: lease }) })],
  ['status with broken %-encoding', ({ lease }) => ({ method: 'PUT', url: '/api/v1/tasks/task%E0%A4%A/status', headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ status: 'running', leaseToken: lease }) })],
];

const SUCCESSES: Case[] = [
  ['claim', () => ({ method: 'POST', url: claimUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['claim with a trailing slash and an encoded host id', () => ({ method: 'POST', url: '/api/v1/agents/vm%31/tasks/claim/?wait=0', headers: { ...json, ...bearer(AGENT_VM1) }, payload: claimBody })],
  ['heartbeat', () => ({ method: 'POST', url: '/api/v1/agents/vm1/heartbeat', headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ agentSession: 'session-1', load: LOAD }) })],
  ['status', ({ taskUrl, lease }) => ({ method: 'PUT', url: taskUrl, headers: { ...json, ...bearer(AGENT_VM1) }, payload: JSON.stringify({ status: 'running', leaseToken: lease }) })],
];

interface Answer {
  status: number;
  /** Without the per-request id and date. */
  headers: Record<string, unknown>;
  /** With the task's id (its creation time is in it) as `<task>`. */
  body: unknown;
}

function answerOf(res: Response, { taskId }: Prepared): Answer {
  const { 'x-request-id': id, date, ...headers } = res.headers;
  expect(id).toEqual(expect.any(String));
  expect(date).toEqual(expect.any(String));
  return { status: res.statusCode, headers, body: JSON.parse(res.payload.replaceAll(taskId, '<task>')) as unknown };
}

/** Both answers, the lane's first. */
async function bothAnswers(request: Case[1]): Promise<[Answer, Answer]> {
  const [lane, express] = [await prepared(), await prepared()];
  return [answerOf(await lane.t.request(request(lane)), lane), answerOf(await inject(express.t.app, request(express)), express)];
}

describe('agent lane: the same answers as express', () => {
  it.each(FAILURES)('%s', async (_name, request) => {
    const [lane, express] = await bothAnswers(request);
    expect(lane.status).toBeGreaterThanOrEqual(400);
    expect(lane).toEqual(express);
  });

  it.each(SUCCESSES)('%s', async (_name, request) => {
    // Successes carry times and lease tokens of their own: the same status, headers and fields.
    const [lane, express] = await bothAnswers(request);
    expect(lane.status).toBe(200);
    expect(express.status).toBe(200);
    expect(Object.keys(lane.headers).sort()).toEqual(Object.keys(express.headers).sort());
    expect(lane.headers['content-type']).toBe(express.headers['content-type']);
    expect(Object.keys(lane.body as object).sort()).toEqual(Object.keys(express.body as object).sort());
  });

  it('logs and counts a lane request as express does: at debug, under the route template, with the principal', async () => {
    const { t } = await prepared();
    await t.request({ method: 'POST', url: claimUrl, token: AGENT_VM1, headers: { 'x-request-id': 'lane-1' }, payload: { agentSession: 'session-1' } });
    const access = t.logs.filter((l) => l.event === 'http.request');
    expect(access).toEqual([
      expect.objectContaining({ level: 20, reqId: 'lane-1', principal: 'vm1-agent', kind: 'agent', method: 'POST', route: '/api/v1/agents/:hostId/tasks/claim', status: 200 }),
    ]);
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('graphium_http_request_duration_seconds_count{method="POST",route="/api/v1/agents/:hostId/tasks/claim",status="200"} 1');
  });

  it('logs a failure it cannot describe to the client with the request id, and answers 500', async () => {
    const { t } = await prepared();
    t.queue.claim = () => Promise.reject(new Error('disk on fire'));
    const res = await t.request({ method: 'POST', url: claimUrl, token: AGENT_VM1, headers: { 'x-request-id': 'lane-2' }, payload: { agentSession: 'session-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toEqual({ code: 'INTERNAL', message: 'internal error; quote request id lane-2 to the operator' });
    expect(t.logs.find((l) => l.event === 'http.error')).toMatchObject({ reqId: 'lane-2', url: claimUrl, code: 'INTERNAL', err: { message: 'disk on fire' } });
  });
});

describe('agent lane: which requests it takes', () => {
  const seen: Array<{ params: unknown; query: unknown; body: unknown }> = [];
  const route: LaneRoute = {
    method: 'put',
    path: '/api/v1/things/:id/parts/:part',
    guard: () => undefined,
    handle: async ({ params, query, body }) => {
      seen.push({ params, query, body });
      return { served: 'lane' };
    },
  };
  const tokens = new FakeTokens();
  tokens.add(AGENT_VM1, { kind: 'agent', name: 'vm1-agent', hostId: 'vm1' });
  const fallback: RequestListener = (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 299;
    res.end('fallback');
  };
  const lane = agentLane(
    [route],
    { tokens, log: pino({ level: 'silent' }), metrics: new Metrics(new MemoryTaskQueue(), { processMetrics: false }), body: jsonBody(DEFAULT_APP_OPTIONS.bodyLimitBytes) },
    fallback,
  );
  const send = (method: InjectOptions['method'], url: string) => inject(lane, { method, url, headers: bearer(AGENT_VM1), payload: { n: 1 } });

  beforeEach(() => {
    seen.length = 0;
  });

  it.each([
    ['/api/v1/things/a/parts/b', { id: 'a', part: 'b' }, {}],
    ['/api/v1/things/a/parts/b/', { id: 'a', part: 'b' }, {}],
    ['/api/v1/things/a%2Fb/parts/%C3%A9?x=1&x=2&y=', { id: 'a/b', part: 'é' }, { x: ['1', '2'], y: '' }],
  ])('takes PUT %s', async (url, params, query) => {
    const res = await send('PUT', url);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ served: 'lane' });
    expect(seen).toEqual([{ params, query, body: { n: 1 } }]);
  });

  it.each([
    ['POST', '/api/v1/things/a/parts/b'],
    ['GET', '/api/v1/things/a/parts/b'],
    ['PUT', '/api/v1/Things/a/parts/b'],
    ['PUT', '/api/v1/things/a/parts/b/c'],
    ['PUT', '/api/v1/things//parts/b'],
    ['PUT', '/api/v1/things/a/parts/b//'],
    ['PUT', '/api/v1/things/%E0%A4%A/parts/b'],
    ['PUT', '/x/api/v1/things/a/parts/b'],
  ])('leaves %s %s to express', async (method, url) => {
    const res = await send(method as InjectOptions['method'], url);
    expect(res.statusCode).toBe(299);
    expect(seen).toEqual([]);
  });

  it('cuts the request, and logs, when even the error answer fails', async () => {
    const logs: Array<Record<string, unknown>> = [];
    // JSON cannot carry a BigInt: writing this answer throws.
    const unanswerable = new AppError('BAD_REQUEST', 'too big to say', { details: { size: 10n ** 30n } });
    const failing = agentLane(
      [{ ...route, handle: () => Promise.reject(unanswerable) }],
      { tokens, log: pino({ level: 'error' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) }), metrics: new Metrics(new MemoryTaskQueue(), { processMetrics: false }), body: jsonBody(DEFAULT_APP_OPTIONS.bodyLimitBytes) },
      fallback,
    );
    const server = await listen(failing);
    try {
      const put = request(`${server.url}/api/v1/things/a/parts/b`, { method: 'PUT', headers: { ...json, ...bearer(AGENT_VM1) }, body: '{}' });
      await expect(put).rejects.toThrow();
      expect(logs).toEqual([expect.objectContaining({ event: 'http.error', method: 'PUT', url: '/api/v1/things/a/parts/b', err: expect.objectContaining({ message: expect.stringContaining('BigInt') }) })]);
    } finally {
      await server.close();
    }
  });

  it.each(['/api/v1/things/a/parts/b#frag', '/api/v1/things/a/parts/b?x=1#frag'])(
    'leaves PUT %s to express (a fragment only a raw client sends)',
    async (url) => {
      const server = await listen(lane);
      try {
        const { port } = new URL(server.url);
        const socket = connect(Number(port), '127.0.0.1');
        socket.end(`PUT ${url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${AGENT_VM1}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        let answer = '';
        for await (const chunk of socket) answer += String(chunk);
        expect(answer).toMatch(/^HTTP\/1\.1 299 /);
        expect(seen).toEqual([]);
      } finally {
        await server.close();
      }
    },
  );
});
