/**
 * Automatic placement on real hosts: what POST /api/v1/stacks/plan says (dry run) is where the containers
 * really end up, for the auto and spread strategies, and the deployment state records the same.
 */
import { Fleet } from './support/fleet';
import { jsonLdStack } from './support/stacks';

jest.setTimeout(120_000);

let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start();
});
afterAll(async () => {
  await fleet?.close();
});

/**
 * Dry run, then deploy: the deploy plans again, and where its plan put each container is where it runs.
 * `samePlan`: the dry run must match the deploy's plan too (true for strategies that do not read live load;
 * auto scores live CPU and free memory, which move between two plans, so there it is not asked).
 */
async function deployAsPlanned(name: string, definition: object, samePlan: boolean): Promise<Record<string, string>> {
  const stackId = `stack:${name}`;
  const plan = await fleet.api.plan(definition);
  const planned = Object.fromEntries(Object.entries(plan.placements).map(([container, p]) => [container, p.hostId]));
  // A dry run writes nothing.
  expect(await fleet.api.stack(stackId)).toBeUndefined();
  expect(await fleet.api.tasks({ stackId })).toEqual([]);
  for (const [container, p] of Object.entries(plan.placements)) {
    expect(p.hostAddress).toBe(fleet.host(p.hostId).address);
    // Every decision is explained.
    expect(plan.explanation[container]).toBeDefined();
  }

  await fleet.api.deploy(definition);
  const view = await fleet.api.waitForStatus(stackId, 'running', 30_000);
  const recorded = Object.fromEntries(Object.entries(view.deployment?.placements ?? {}).map(([container, p]) => [container, p.hostId]));
  expect(Object.keys(recorded).sort()).toEqual(Object.keys(planned).sort());
  if (samePlan) expect(recorded).toEqual(planned);
  // The stored explanation names the host each container went to.
  for (const [container, hostId] of Object.entries(recorded)) expect(view.deployment?.explanation[container]?.chosen).toBe(hostId);
  expect(await fleet.whereRunning(name)).toEqual(recorded);
  await fleet.api.removeAndWait(stackId);
  return recorded;
}

/** Until every host's last heartbeat counts no container (a heartbeat comes every 10 s). */
async function hostsReportNoContainers(timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await fleet.api.hosts();
    if (items.every((h) => (h.load?.containerCount ?? 0) === 0)) return;
    if (Date.now() > deadline) throw new Error(`hosts still report containers: ${JSON.stringify(items.map((h) => [h.hostId, h.load]))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it('spread: six containers, two on each host, where the plan put them', async () => {
  // Spread counts the containers each host reported in its last heartbeat: start from empty hosts.
  await hostsReportNoContainers();
  const names = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const planned = await deployAsPlanned('e2e-spread', jsonLdStack('e2e-spread', names.map((name) => ({ name })), { placementStrategy: 'spread' }), true);
  const perHost: Record<string, number> = {};
  for (const hostId of Object.values(planned)) perHost[hostId] = (perHost[hostId] ?? 0) + 1;
  expect(perHost).toEqual({ d1: 2, d2: 2, d3: 2 });
});

it('auto: containers run where the deploy\'s plan put them, as its stored explanation says', async () => {
  const names = ['a1', 'a2', 'a3', 'a4'];
  const planned = await deployAsPlanned('e2e-auto', jsonLdStack('e2e-auto', names.map((name) => ({ name })), { placementStrategy: 'auto' }), false);
  expect(Object.keys(planned).sort()).toEqual(names);
  for (const hostId of Object.values(planned)) expect(['d1', 'd2', 'd3']).toContain(hostId);
});
