/**
 * Every file in examples/ deploys as is and is removed without a trace. Examples pinned to the reference
 * host ids (localhost-docker, vm1, vm2) run on a fleet with those ids, the rest on d1, d2, d3 (d1 and d2 in
 * datacenter dc1, d3 in dc2, for the datacenter example).
 */
import { Fleet, type FleetHostOptions } from './support/fleet';
import { examples, examplesFor, type Example } from './support/examples';

jest.setTimeout(240_000);

const FLEETS: FleetHostOptions[][] = [
  [
    { hostId: 'd1', datacenter: 'dc1' },
    { hostId: 'd2', datacenter: 'dc1' },
    { hostId: 'd3', datacenter: 'dc2' },
  ],
  [{ hostId: 'localhost-docker' }, { hostId: 'vm1' }, { hostId: 'vm2' }],
];
const idsOf = (hosts: FleetHostOptions[]) => hosts.map((h) => h.hostId ?? '');

/** Each example on the first fleet whose host ids it fits (examples that pin nothing go to the first). */
function assigned(index: number): Example[] {
  const earlier = new Set(FLEETS.slice(0, index).flatMap((hosts) => examplesFor(idsOf(hosts)).map((e) => e.file)));
  return examplesFor(idsOf(FLEETS[index] ?? [])).filter((e) => !earlier.has(e.file));
}

it('every example pins only hosts of one of the fleets below', () => {
  const covered = new Set(FLEETS.flatMap((hosts) => examplesFor(idsOf(hosts)).map((e) => e.file)));
  expect(examples().map((e) => ({ file: e.file, covered: covered.has(e.file) }))).toEqual(examples().map((e) => ({ file: e.file, covered: true })));
  expect(examples().length).toBeGreaterThan(0);
});

async function deployAllAndRemove(fleet: Fleet, files: Example[]): Promise<void> {
  // All at once, as a busy fleet would see them; their ports do not collide.
  const deployed = await Promise.all(files.map(async (e) => ({ file: e.file, ...(await fleet.api.deploy(e.text)) })));
  const settled = await Promise.all(
    deployed.map(async (d) => {
      const view = await fleet.api.waitForStatus(d.stackId, ['running', 'error', 'degraded'], 90_000);
      return { file: d.file, status: view.stack.status, error: view.stack.errorMessage };
    }),
  );
  expect(settled).toEqual(deployed.map((d) => ({ file: d.file, status: 'running', error: undefined })));
  // Every container of every example runs, on the host its deployment state says.
  const rows = await fleet.containersOf();
  for (const d of deployed) {
    const view = await fleet.api.stack(d.stackId);
    for (const [container, placement] of Object.entries(view?.deployment?.placements ?? {})) {
      const row = rows[placement.hostId]?.find((r) => r.labels['graphium.stack'] === view?.stack.name && r.labels['graphium.container'] === container);
      expect({ file: d.file, container, state: row?.state }).toEqual({ file: d.file, container, state: 'running' });
    }
    expect(Object.keys(view?.deployment?.placements ?? {})).toHaveLength(view?.stack.definition.containers.length ?? -1);
  }
  await Promise.all(deployed.map((d) => fleet.api.removeAndWait(d.stackId, 90_000)));
  for (const left of Object.values(await fleet.containersOf())) expect(left).toEqual([]);
}

describe.each(FLEETS.map((hosts, index) => [idsOf(hosts).join(', '), hosts, index] as const))('on hosts %s', (_ids, hosts, index) => {
  const files = assigned(index);
  let fleet: Fleet;
  beforeAll(async () => {
    if (files.length > 0) fleet = await Fleet.start({ hosts, agentConcurrency: 8 });
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it(`deploys ${files.map((e) => e.file).join(', ') || 'nothing'} as is, then removes every trace`, async () => {
    if (files.length > 0) await deployAllAndRemove(fleet, files);
  });
});
