/**
 * Failover on three real Docker hosts (DESIGN.md §10): an agent stops, its host misses its heartbeats and goes
 * offline, and the automatically placed container it ran moves to a healthy host; its dependent on a third
 * host is redeployed with the new address, while a container that does not depend on it is adopted
 * untouched. The stack runs again. When the agent comes back, the removal failover queued for it takes the
 * stale copy off the old host.
 *
 * Hosts: d1 and d2 carry role=db, d3 role=app; the heartbeat timeout is 15 s (agents beat every 10 s).
 */
import type { EventCollector } from './support/events';
import { Fleet } from './support/fleet';
import { httpd, jsonLdStack } from './support/stacks';
import { envInside, managedContainers } from './support/testHosts';

jest.setTimeout(180_000);

const name = 'e2e-failover';
const stackId = `stack:${name}`;
const definition = jsonLdStack(
  name,
  [
    { name: 'db', image: 'nginx:alpine', command: httpd(80), ports: [{ containerPort: 80, hostPort: 18391 }] },
    { name: 'api', dependsOn: ['db'] },
    { name: 'side' },
  ],
  {
    placementStrategy: 'auto',
    hostConstraints: [
      { containerName: 'db', labels: { role: 'db' } },
      { containerName: 'api', labels: { role: 'app' } },
      { containerName: 'side', labels: { role: 'app' } },
    ],
  },
);

let fleet: Fleet;
let events: EventCollector;
beforeAll(async () => {
  fleet = await Fleet.start({
    hosts: [{ labels: { role: 'db' } }, { labels: { role: 'db' } }, { labels: { role: 'app' } }],
    controllerEnv: { GRAPHIUM_HEARTBEAT_TIMEOUT_SECONDS: '15' },
  });
  events = await fleet.events({ stackId });
});
afterAll(async () => {
  await fleet?.close();
});

async function httpGet(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await response.text();
  return response.status;
}

/** Container id of `container` of the stack on `hostId` (running or not), if there is one. */
async function containerOn(hostId: string, container: string): Promise<{ id: string; state: string; task: string | undefined } | undefined> {
  const rows = await managedContainers(fleet.host(hostId).docker, name);
  const row = rows.find((r) => r.labels['graphium.container'] === container);
  return row === undefined ? undefined : { id: row.id, state: row.state, task: row.labels['graphium.task'] };
}

describe('an automatically placed stack whose host goes offline', () => {
  let from: string;
  let to: string;
  let before: { api: string; side: string };

  it('deploys: db on a role=db host, api and side on d3', async () => {
    await fleet.api.deploy(definition);
    const view = await fleet.api.waitForStatus(stackId, 'running', 60_000);
    const placements = view.deployment!.placements;
    from = placements.db!.hostId;
    to = from === 'd1' ? 'd2' : 'd1';
    expect(['d1', 'd2']).toContain(from);
    expect(placements.api?.hostId).toBe('d3');
    expect(placements.side?.hostId).toBe('d3');
    expect(await httpGet(`http://${fleet.host(from).address}:18391/`)).toBe(200);
    expect((await envInside(fleet.host('d3').docker, `${name}-api`)).DB_HOST).toBe(fleet.host(from).address);
    before = { api: (await containerOn('d3', 'api'))!.id, side: (await containerOn('d3', 'side'))!.id };
  });

  it('moves db to the other role=db host once its agent stops, rewires api and runs again', async () => {
    await fleet.stopAgent(from);
    // Offline after the heartbeat timeout, then one failover operation that settles running.
    const view = await fleet.api.waitForStack(stackId, (v) => v?.stack.operation === 1 && v.stack.status === 'running', 90_000, 'running after failover');
    expect((await fleet.api.hosts()).items.find((h) => h.hostId === from)?.status).toBe('offline');
    const failover = await events.waitFor((e) => e.type === 'stack_failover', 5_000, 'stack_failover');
    expect(failover.event.message).toContain(`db ${from} → ${to}`);
    const moved = await events.waitFor((e) => e.type === 'container_moved', 5_000, 'container_moved');
    expect(moved.event.data).toMatchObject({ container: 'db', from, to, operation: 1 });
    expect(view?.deployment?.placements.db).toMatchObject({ hostId: to, hostAddress: fleet.host(to).address });
    expect(view?.deployment?.failover?.moved.db).toMatchObject({ from, to });

    // db really runs on its new host and answers there.
    expect(await containerOn(to, 'db')).toMatchObject({ state: 'running', task: `task:${stackId}:1:db:deploy:1` });
    expect(await httpGet(`http://${fleet.host(to).address}:18391/`)).toBe(200);
    // api was replaced with db's new address; side, which does not depend on db, was adopted as it was.
    const api = await containerOn('d3', 'api');
    expect(api?.id).not.toBe(before.api);
    expect(await envInside(fleet.host('d3').docker, `${name}-api`)).toMatchObject({ DB_HOST: fleet.host(to).address, DB_PORT: '18391' });
    expect((await containerOn('d3', 'side'))?.id).toBe(before.side);

    // The old host's daemon still runs the stale copy: its agent is gone, nothing could touch it yet.
    expect(await containerOn(from, 'db')).toMatchObject({ state: 'running' });
    const cleanup = (await fleet.api.tasks({ stackId })).find((t) => t.cleanup === true);
    expect(cleanup).toMatchObject({ '@id': `cleanup:${stackId}:1:1:db`, taskType: 'remove', hostId: from, status: 'pending' });
  });

  it('removes the stale copy once the old host\'s agent is back, and the stack keeps running', async () => {
    await fleet.startAgent(from);
    const deadline = Date.now() + 30_000;
    while ((await containerOn(from, 'db')) !== undefined) {
      if (Date.now() > deadline) throw new Error(`the stale db copy is still on ${from}\n${fleet.tails()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cleanup = (await fleet.api.tasks({ stackId })).find((t) => t['@id'] === `cleanup:${stackId}:1:1:db`);
    expect(cleanup?.status).toBe('completed');
    const view = await fleet.api.stack(stackId);
    expect(view?.stack).toMatchObject({ status: 'running', operation: 1 });
    expect(await fleet.whereRunning(name)).toEqual({ db: to, api: 'd3', side: 'd3' });
    expect(await httpGet(`http://${fleet.host(to).address}:18391/`)).toBe(200);
  });

  it('deletes cleanly afterwards: nothing of the stack left on any host', async () => {
    await fleet.api.removeAndWait(stackId, 60_000);
    for (const rows of Object.values(await fleet.containersOf(name))) expect(rows).toEqual([]);
  });
});
