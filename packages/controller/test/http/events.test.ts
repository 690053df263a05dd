/**
 * Server-sent events and hang-ups over a real loopback listener (injection cannot show a stream or a
 * hang-up). Nothing in this file uses light-my-request: on an express app it patches express's shared
 * request prototype, which breaks real connections made later in the same module registry.
 */
import { AGENT_VM1, REGISTRATION, testApp, USER } from './support/testApp.js';
import { listen, SseClient, type Listening } from './support/listen.js';

const auth = { authorization: `Bearer ${USER}` };

let server: Listening | undefined;
let clients: SseClient[] = [];

afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server?.close();
  server = undefined;
});

async function open(t: ReturnType<typeof testApp>, path = '/api/v1/events', headers: Record<string, string> = {}): Promise<SseClient> {
  server ??= await listen(t.handle);
  const client = await SseClient.open(`${server.url}${path}`, { ...auth, ...headers });
  clients.push(client);
  return client;
}

const until = (condition: () => boolean): Promise<void> =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + 5_000;
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(check, 20);
    };
    check();
  });

describe('GET /api/v1/events', () => {
  it('streams live events as id / event / data frames', async () => {
    const t = testApp();
    const client = await open(t);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const published = await t.events.publish({ type: 'stack_deploying', stackId: 'stack:web', message: 'deploying' });
    const [frame] = await client.until((f) => f.some((x) => x.event !== undefined));
    const live = client.events()[0]!;
    expect(frame).toBeDefined();
    expect(live.id).toBe(published['@id']);
    expect(live.event).toBe('stack_deploying');
    expect(live.data).toMatchObject({ '@id': published['@id'], type: 'stack_deploying', stackId: 'stack:web', message: 'deploying' });
    expect(live.data).not.toHaveProperty('_rev');
  });

  it('replays the stack\'s stored events first, then goes live, filtering by stack and type', async () => {
    const t = testApp();
    await t.events.publish({ type: 'stack_deploying', stackId: 'stack:web' });
    await t.events.publish({ type: 'stack_deploying', stackId: 'stack:db' });
    await t.events.publish({ type: 'task_updated', stackId: 'stack:web' });
    const client = await open(t, '/api/v1/events?stackId=stack:web');
    await client.until((f) => f.filter((x) => x.event).length === 2, 'the replay');
    await t.events.publish({ type: 'stack_running', stackId: 'stack:db' });
    await t.events.publish({ type: 'stack_running', stackId: 'stack:web' });
    await client.until((f) => f.filter((x) => x.event).length === 3, 'the live event');
    expect(client.events().map((f) => `${f.event} ${(f.data as { stackId: string }).stackId}`)).toEqual([
      'stack_deploying stack:web',
      'task_updated stack:web',
      'stack_running stack:web',
    ]);

    const typed = await open(t, '/api/v1/events?types=stack_running,host_offline');
    await t.events.publish({ type: 'task_updated', stackId: 'stack:web' });
    await t.events.publish({ type: 'host_offline', hostId: 'vm1' });
    await typed.until((f) => f.some((x) => x.event === 'host_offline'));
    expect(typed.events().map((f) => f.event)).toEqual(['host_offline']);
  });

  it('resumes after Last-Event-ID without repeating what the client saw', async () => {
    const t = testApp();
    const first = await t.events.publish({ type: 'host_registered', hostId: 'vm1' });
    await t.events.publish({ type: 'host_online', hostId: 'vm1' });
    await t.events.publish({ type: 'host_draining', hostId: 'vm1' });
    const client = await open(t, '/api/v1/events', { 'last-event-id': first['@id'] });
    await client.until((f) => f.filter((x) => x.event).length === 2);
    expect(client.events().map((f) => f.event)).toEqual(['host_online', 'host_draining']);
  });

  it('keeps an idle stream open with comment lines', async () => {
    const t = testApp({ sseHeartbeatMs: 40 });
    const client = await open(t);
    await client.until((f) => f.filter((x) => x.comment === 'ping').length >= 2, 'two heartbeats');
  });

  it('unsubscribes when the client hangs up', async () => {
    const t = testApp();
    const client = await open(t);
    expect(t.events.listeners.size).toBe(1);
    client.close();
    await until(() => t.events.listeners.size === 0);
  });

  it('ends every stream when the server shuts down', async () => {
    const t = testApp();
    const a = await open(t);
    const b = await open(t, '/api/v1/events?stackId=stack:web');
    t.shutdown.abort();
    await until(() => a.ended && b.ended);
    expect(t.events.listeners.size).toBe(0);
  });

  it('refuses unknown event types before streaming: 400', async () => {
    const t = testApp();
    server = await listen(t.handle);
    const res = await fetch(`${server.url}/api/v1/events?types=stack_running,nope`, { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('nope');
  });
});

describe('GET /api/v1/events/history', () => {
  it('answers the most recent stored events, oldest first', async () => {
    const t = testApp();
    for (const type of ['stack_deploying', 'stack_running', 'stack_stopping'] as const) await t.events.publish({ type, stackId: 'stack:web' });
    server = await listen(t.handle);
    const res = await fetch(`${server.url}/api/v1/events/history?stackId=stack:web&limit=2`, { headers: auth });
    const { items } = (await res.json()) as { items: Array<{ type: string }> };
    expect(items.map((e) => e.type)).toEqual(['stack_running', 'stack_stopping']);
  });
});

describe('long-poll claims over a real connection', () => {
  it('stops holding the claim when the agent hangs up', async () => {
    const t = testApp();
    server = await listen(t.handle);
    const { agentSession } = await t.hosts.register('vm1', { ...REGISTRATION, labels: {} });
    const controller = new AbortController();
    const claim = fetch(`${server.url}/api/v1/agents/vm1/tasks/claim?wait=30`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_VM1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentSession }),
      signal: controller.signal,
    }).catch(() => undefined);
    await until(() => t.queue.pendingClaims() === 1);
    controller.abort();
    await claim;
    await until(() => t.queue.pendingClaims() === 0);
  });
});
