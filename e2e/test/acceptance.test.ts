/**
 * The acceptance story (DESIGN.md §11) on three real Docker hosts whose agents carry the host ids the
 * reference file names: localhost-docker (d1), vm1 (d2) and vm2 (d3).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from './support/fleet';
import { workspaceRoot } from './support/testHosts';

jest.setTimeout(180_000);

const ROOT = workspaceRoot();
const REFERENCE = '/work/shared/reference/stacks/nginx-multihost-stack.json';
/** A byte-identical copy of the reference, so the suite runs where /work/shared is not mounted. */
const FIXTURE = join(ROOT, 'e2e/fixtures/nginx-multihost-stack.json');

let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start({
    hosts: [
      { hostId: 'localhost-docker' },
      { hostId: 'vm1' },
      { hostId: 'vm2' },
    ],
  });
});
afterAll(async () => {
  await fleet?.close();
});

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

describe('the nginx multi-host reference stack', () => {
  it('is the reference file, byte for byte', () => {
    if (!existsSync(REFERENCE)) return; // outside the development machine only the copy exists
    expect(readFileSync(FIXTURE)).toEqual(readFileSync(REFERENCE));
  });

  it('deploys as is: each port answers on its own host, and after deletion nothing is left anywhere', async () => {
    const text = readFileSync(existsSync(REFERENCE) ? REFERENCE : FIXTURE, 'utf8');
    const deployed = await fleet.api.deploy(text);
    expect(deployed.stackId).toBe('stack:nginx-multihost');
    const view = await fleet.api.waitForStatus(deployed.stackId, 'running', 60_000);
    const expected = { 'nginx-1': ['localhost-docker', 8081], 'nginx-2': ['vm1', 8082], 'nginx-3': ['vm2', 8083] } as const;
    for (const [container, [hostId, port]] of Object.entries(expected)) {
      const host = fleet.host(hostId);
      expect(view.deployment?.placements[container]).toMatchObject({ hostId, hostAddress: host.address, status: 'running' });
      // 172.31.N.1:808N answers; the same port on the other hosts does not (each instance is on its own host).
      const answer = await httpGet(`http://${host.address}:${port}/`);
      expect(answer.status).toBe(200);
      for (const other of fleet.hosts.filter((h) => h !== host)) {
        await expect(httpGet(`http://${other.address}:${port}/`)).rejects.toThrow();
      }
    }
    expect(await fleet.whereRunning('nginx-multihost')).toEqual({ 'nginx-1': 'localhost-docker', 'nginx-2': 'vm1', 'nginx-3': 'vm2' });

    await fleet.api.removeAndWait(deployed.stackId, 60_000);
    for (const rows of Object.values(await fleet.containersOf())) expect(rows).toEqual([]);
    for (const [hostId, port] of Object.values(expected)) {
      await expect(httpGet(`http://${fleet.host(hostId).address}:${port}/`)).rejects.toThrow();
    }
  });
});
