/**
 * The stack lifecycle end to end on three real Docker hosts: a deploy becomes tasks, the agents claim and run
 * them on the hosts the placement chose, live events report it as it happens, statistics count it, and
 * stop / start / redeploy / delete do what they say on every host.
 */
import type { EventCollector } from './support/events';
import { Fleet } from './support/fleet';
import { envInside, inspect, managedContainers, docker } from './support/testHosts';
import { httpd, jsonLdStack } from './support/stacks';

jest.setTimeout(120_000);

let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start();
});
afterAll(async () => {
  await fleet?.close();
});

describe('a manually placed stack', () => {
  const name = 'e2e-manual';
  const stackId = `stack:${name}`;
  // Deliberately not in host order, so "the right host" cannot be an accident of ordering.
  const pinned = { alpha: 'd2', beta: 'd3', gamma: 'd1' } as const;
  const definition = jsonLdStack(
    name,
    Object.entries(pinned).map(([container, host]) => ({ name: container, locatedInHost: host })),
  );
  let events: EventCollector;
  let deployRequestedAt: number;
  let taskIds: string[];

  it('deploys by creating tasks, visible through the API before the agents have run them', async () => {
    events = await fleet.events({ stackId });
    deployRequestedAt = Date.now();
    const deployed = await fleet.api.deploy(definition);
    expect(deployed).toMatchObject({ stackId, generation: 1, status: 'deploying' });
    taskIds = deployed.taskIds;
    expect(taskIds).toHaveLength(3);

    // Straight after the 202: one deploy task per container, queued for the host the placement chose.
    const tasks = await fleet.api.tasks({ stackId });
    expect(tasks.map((t) => t['@id']).sort()).toEqual([...taskIds].sort());
    for (const task of tasks) {
      expect(task.taskType).toBe('deploy');
      expect(task.hostId).toBe(pinned[task.containerName as keyof typeof pinned]);
    }
    // The controller never touched Docker: whatever exists was made by an agent that claimed its task.
    const notYetDone = tasks.filter((t) => t.status !== 'completed');
    expect(notYetDone.length).toBeGreaterThan(0);
  });

  it('is run by the agents, each container on the host it was pinned to', async () => {
    const view = await fleet.api.waitForStatus(stackId, 'running', 30_000);
    for (const [container, hostId] of Object.entries(pinned)) {
      expect(view.deployment?.placements[container]).toMatchObject({ hostId, hostAddress: fleet.host(hostId).address, status: 'running' });
    }
    expect(await fleet.whereRunning(name)).toEqual(pinned);

    const tasks = await fleet.api.tasks({ stackId });
    for (const task of tasks) {
      expect(task.status).toBe('completed');
      // Claimed under a lease, started and completed by the agent of that host.
      expect(task.assignedAt).toBeDefined();
      expect(task.startedAt).toBeDefined();
      expect(task.completedAt).toBeDefined();
      const [row] = await managedContainers(fleet.host(task.hostId).docker, name).then((rows) => rows.filter((r) => r.labels['graphium.container'] === task.containerName));
      expect(row?.id).toBe(task.result?.containerId);
      expect(row?.labels['graphium.task']).toBe(task['@id']);
    }
  });

  it('reports progress live: stack_deploying, task_updated per task, stack_running, in order and as it happens', async () => {
    const running = await events.waitFor((e) => e.type === 'stack_running', 10_000, 'stack_running');
    const received = events.received.filter((e) => e.event.stackId === stackId);
    const types = received.map((e) => e.type);
    const deploying = types.indexOf('stack_deploying');
    expect(deploying).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('stack_running')).toBeGreaterThan(deploying);

    // Every task reported, and its updates arrived in the order the task went through them.
    for (const id of taskIds) {
      const updates = received.filter((e) => e.type === 'task_updated' && e.event.taskId === id);
      expect(updates.length).toBeGreaterThan(0);
      const statuses = updates.map((e) => String(e.event.data.status));
      expect(statuses[statuses.length - 1]).toBe('completed');
      const rank = ['pending', 'claimed', 'running', 'completed'];
      expect(statuses.map((s) => rank.indexOf(s))).toEqual([...statuses.map((s) => rank.indexOf(s))].sort((a, b) => a - b));
      // All of them between the stack's deploying and running events.
      expect(received.indexOf(updates[0]!)).toBeGreaterThan(deploying);
      expect(received.indexOf(updates[updates.length - 1]!)).toBeLessThan(received.indexOf(running));
    }

    // Real time: deploying arrived before any container started, running soon after the last one started.
    const started = await Promise.all(Object.entries(pinned).map(([c, h]) => inspect(fleet.host(h).docker, `${name}-${c}`)));
    const startTimes = started.map((s) => Date.parse(s.StartedAt));
    const deployingAt = received[deploying]!.receivedAt;
    expect(deployingAt).toBeGreaterThanOrEqual(deployRequestedAt - 50);
    expect(deployingAt).toBeLessThanOrEqual(Math.min(...startTimes) + 50);
    expect(running.receivedAt).toBeGreaterThanOrEqual(Math.max(...startTimes) - 50);
    expect(running.receivedAt - Math.max(...startTimes)).toBeLessThan(3_000);
  });

  it('counts its tasks in the task statistics', async () => {
    const stats = await fleet.api.taskStats();
    expect(stats.total).toBe(Object.values(stats.byStatus).reduce((a, b) => a + b, 0));
    expect(stats.byStatus.completed).toBeGreaterThanOrEqual(3);
    expect(stats.byType.deploy).toBeGreaterThanOrEqual(3);
    for (const hostId of ['d1', 'd2', 'd3']) expect(stats.byHost[hostId]?.completed).toBeGreaterThanOrEqual(1);
  });

  it('stops and starts on every host, keeping its containers', async () => {
    const before = await fleet.containersOf(name);
    await fleet.api.stop(stackId);
    await fleet.api.waitForStatus(stackId, 'stopped', 30_000);
    for (const [hostId, rows] of Object.entries(await fleet.containersOf(name))) {
      expect(rows.map((r) => r.state)).toEqual(hostId === 'd1' || hostId === 'd2' || hostId === 'd3' ? ['exited'] : []);
    }
    await fleet.api.start(stackId);
    await fleet.api.waitForStatus(stackId, 'running', 30_000);
    const after = await fleet.containersOf(name);
    for (const hostId of Object.keys(before)) {
      expect(after[hostId]!.map((r) => [r.id, r.state])).toEqual(before[hostId]!.map((r) => [r.id, 'running']));
    }
  });

  it('redeploys by replacing its containers, never leaving a second copy', async () => {
    const before = await fleet.containersOf(name);
    const changed = jsonLdStack(
      name,
      Object.entries(pinned).map(([container, host]) => ({ name: container, locatedInHost: host, environment: { REVISION: '2' } })),
    );
    const deployed = await fleet.api.deploy(changed);
    expect(deployed.generation).toBe(2);
    await fleet.api.waitForStack(stackId, (v) => v?.stack.status === 'running' && v.stack.generation === 2, 30_000, 'generation 2 running');
    const after = await fleet.containersOf(name);
    for (const [container, hostId] of Object.entries(pinned)) {
      const rows = after[hostId]!;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: `${name}-${container}`, state: 'running' });
      expect(rows[0]!.id).not.toBe(before[hostId]![0]!.id);
      expect((await envInside(fleet.host(hostId).docker, rows[0]!.name)).REVISION).toBe('2');
    }
  });

  it('is deleted: containers removed from every host, then its metadata (404)', async () => {
    const deleted = await fleet.events({ stackId, types: ['stack_deleted'] });
    await fleet.api.remove(stackId);
    // One remove task per host, listed straight after the 202 (a stack's listing reads what was just written).
    const removeHosts = (await fleet.api.tasks({ stackId, taskType: 'remove' })).map((t) => t.hostId).sort();
    expect(removeHosts).toEqual(['d1', 'd2', 'd3']);
    await fleet.api.waitForStack(stackId, (v) => v === undefined, 30_000, 'deletion (404)');
    await deleted.waitFor((e) => e.type === 'stack_deleted', 5_000, 'stack_deleted');
    for (const rows of Object.values(await fleet.containersOf(name))) expect(rows).toEqual([]);
    expect((await fleet.api.send('GET', `/api/v1/stacks/${name}`)).status).toBe(404);
  });
});

describe('a dependency chain across hosts', () => {
  const name = 'e2e-chain';
  const stackId = `stack:${name}`;

  afterAll(async () => {
    await fleet.api.removeAndWait(stackId).catch(() => undefined);
  });

  it('starts in dependency order, and each dependent gets its dependency\'s endpoint', async () => {
    await fleet.api.deploy(
      jsonLdStack(name, [
        // The db's host port is left to Docker: the endpoint is only known once it runs.
        { name: 'db', image: 'nginx:alpine', command: httpd(80), locatedInHost: 'd1', ports: [{ containerPort: 80 }], healthCheck: { type: 'tcp', port: 80, interval: 1, timeout: 1, retries: 10 } },
        { name: 'api', image: 'nginx:alpine', command: httpd(80), locatedInHost: 'd2', ports: [{ containerPort: 80, hostPort: 18280 }], dependsOn: ['db'] },
        { name: 'web', locatedInHost: 'd3', dependsOn: ['api'] },
      ]),
    );
    await fleet.api.waitForStatus(stackId, 'running', 60_000);
    const [db, api, web] = await Promise.all([
      inspect(fleet.host('d1').docker, `${name}-db`),
      inspect(fleet.host('d2').docker, `${name}-api`),
      inspect(fleet.host('d3').docker, `${name}-web`),
    ]);
    expect(Date.parse(db.StartedAt)).toBeLessThan(Date.parse(api.StartedAt));
    expect(Date.parse(api.StartedAt)).toBeLessThan(Date.parse(web.StartedAt));

    const dbPort = (await docker(fleet.host('d1').docker, ['port', `${name}-db`, '80/tcp'])).trim().split(':').pop();
    const apiEnv = await envInside(fleet.host('d2').docker, `${name}-api`);
    expect(apiEnv).toMatchObject({ DB_HOST: '172.31.1.1', DB_PORT: dbPort, DB_ENDPOINT: `172.31.1.1:${dbPort}` });
    const webEnv = await envInside(fleet.host('d3').docker, `${name}-web`);
    expect(webEnv).toMatchObject({ API_HOST: '172.31.2.1', API_PORT: '18280', API_ENDPOINT: '172.31.2.1:18280' });
    // And the endpoint works from inside the dependent, across hosts.
    const page = await docker(fleet.host('d3').docker, ['exec', `${name}-web`, 'sh', '-c', 'wget -q -O - "http://$API_ENDPOINT/"']);
    expect(page.length).toBeGreaterThan(0);
  });
});

describe('a stack with an image no host has', () => {
  const name = 'e2e-badimage';
  const stackId = `stack:${name}`;

  afterAll(async () => {
    await fleet.api.removeAndWait(stackId).catch(() => undefined);
  });

  it('fails that container with its error and shows the stack in error; the others still run', async () => {
    await fleet.api.deploy(jsonLdStack(name, [{ name: 'good', locatedInHost: 'd1' }, { name: 'bad', image: 'does-not-exist:1', locatedInHost: 'd2' }]));
    // The failure is permanent (no retries): the stack turns `error` while the good container still comes up.
    const failed = await fleet.api.waitForStatus(stackId, ['error', 'degraded'], 60_000);
    expect(failed.stack.status).toBe('error');
    const view = (await fleet.api.waitForStack(stackId, (v) => v?.deployment?.placements.good?.status === 'running', 30_000, 'good running'))!;
    expect(view.stack.status).toBe('error');
    const bad = view.deployment?.placements.bad;
    expect(bad?.status).toBe('failed');
    expect(bad?.error?.message).toMatch(/does-not-exist/);
    expect(view.deployment?.placements.good?.status).toBe('running');
    const [task] = await fleet.api.tasks({ stackId, status: 'failed' });
    expect(task).toMatchObject({ containerName: 'bad', hostId: 'd2' });
    expect(task?.error?.message).toMatch(/does-not-exist/);
    expect(await managedContainers(fleet.host('d2').docker, name)).toEqual([]);
  });
});
