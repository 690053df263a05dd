/**
 * createApp with fakes and the in-memory queue, plus tokens for every kind of caller. Requests go through
 * the listener the server runs (the agent lane in front of express); `app` is express alone.
 */
import type { RequestListener } from 'node:http';
import type { Application } from 'express';
import { inject, type InjectOptions, type Response } from 'light-my-request';
import pino from 'pino';
import { createApp } from '../../../src/http/app.js';
import type { AppDeps, AppOptions } from '../../../src/http/deps.js';
import { Metrics } from '../../../src/metrics.js';
import { systemClock } from '../../../src/ports.js';
import { MemoryTaskQueue } from '../../../src/queue/memoryTaskQueue.js';
import { FakeEvents, FakeHosts, FakeStacks, FakeTokens } from './fakes.js';

export const ADMIN = 'gra_admin';
export const USER = 'gru_alice';
export const AGENT_VM1 = 'grh_vm1';
export const AGENT_VM2 = 'grh_vm2';

export interface TestApp {
  /** The listener the server runs. */
  handle: RequestListener;
  /** Express alone. */
  app: Application;
  queue: MemoryTaskQueue;
  hosts: FakeHosts;
  events: FakeEvents;
  tokens: FakeTokens;
  stacks: FakeStacks;
  metrics: Metrics;
  /** Log lines written by the app (pino JSON, parsed). */
  logs: Array<Record<string, unknown>>;
  storeUp: { value: boolean };
  shutdown: AbortController;
  request(options: InjectOptions & { token?: string | undefined }): Promise<Response>;
}

/**
 * `handle` as light-my-request's dispatch function. Handed an express app, light-my-request fits express's
 * request and response prototypes onto its own fake request and response (its "Express.js detection");
 * handed the lane's listener it cannot see the express app behind it, so the function carries what that
 * detection looks for: `request` and `response` objects, on express's prototypes, whose `app` is itself.
 */
function dispatchOf(handle: RequestListener, app: Application): RequestListener {
  const dispatch: RequestListener = (req, res) => handle(req, res);
  const beside = (base: object): object => Object.create(Object.getPrototypeOf(base) as object, { app: { value: dispatch } }) as object;
  return Object.assign(dispatch, { request: beside(app.request), response: beside(app.response) });
}

export function testApp(options: Partial<AppOptions> = {}, overrides: Partial<AppDeps> = {}): TestApp {
  const queue = new MemoryTaskQueue();
  const hosts = new FakeHosts();
  const events = new FakeEvents();
  const tokens = new FakeTokens();
  const stacks = new FakeStacks();
  const metrics = new Metrics(queue, { processMetrics: false });
  tokens.add(ADMIN, { kind: 'admin', name: 'admin' });
  tokens.add(USER, { kind: 'user', name: 'alice' });
  tokens.add(AGENT_VM1, { kind: 'agent', name: 'vm1-agent', hostId: 'vm1' });
  tokens.add(AGENT_VM2, { kind: 'agent', name: 'vm2-agent', hostId: 'vm2' });
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const storeUp = { value: true };
  const shutdown = new AbortController();
  const { app, handle } = createApp({
    queue,
    hosts,
    events,
    tokens,
    stacks,
    clock: systemClock,
    log,
    metrics,
    storeHealthy: async () => storeUp.value,
    shutdown: shutdown.signal,
    options,
    ...overrides,
  });
  const dispatch = dispatchOf(handle, app);
  return {
    handle,
    app,
    queue,
    hosts,
    events,
    tokens,
    stacks,
    metrics,
    logs,
    storeUp,
    shutdown,
    request({ token, headers, ...rest }) {
      const auth = token === undefined ? {} : { authorization: `Bearer ${token}` };
      return inject(dispatch, { ...rest, headers: { ...auth, ...headers } });
    },
  };
}

export const REGISTRATION = { address: '10.0.0.5', resources: { cpus: 4, memory: 8 * 1024 ** 3 } };
