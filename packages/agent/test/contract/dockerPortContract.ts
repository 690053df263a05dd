/**
 * One contract for every DockerPort (STYLE.md rule 18): the same cases run against the in-memory fake (unit
 * tier) and a real dockerd (Docker tier), so the executors' unit tests can trust the fake.
 * Every container a case makes carries the run's label and is removed after the case.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDockerError, type ContainerCreateSpec, type DockerPort } from '../../src/docker/port';

export interface ContractSubject {
  port: DockerPort;
  /** An image on the engine whose shell has echo, sleep, true, false. */
  image: string;
  /** A free host port range start for this run (real engines share the machine). */
  basePort: number;
  /** Removes what the engine keeps beyond containers (named volumes made by the cases, prefix `gct-{run}-`). */
  cleanup?: (namePrefix: string) => Promise<void>;
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await sleep(50);
    value = await probe();
  }
  return value;
}

export function dockerPortContract(name: string, makeSubject: () => ContractSubject | Promise<ContractSubject>): void {
  describe(`DockerPort contract: ${name}`, () => {
    let subject: ContractSubject;
    let port: DockerPort;
    const run = randomBytes(4).toString('hex');
    const label = { 'graphium.contract': run };
    let seq = 0;

    const spec = (overrides: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec => ({
      name: `gct-${run}-${++seq}`,
      image: subject.image,
      env: {},
      labels: { ...label },
      cmd: ['sleep', '300'],
      ports: [],
      mounts: [],
      ...overrides,
    });

    beforeAll(async () => {
      subject = await makeSubject();
      port = subject.port;
    });

    afterEach(async () => {
      for (const container of await port.listContainers({ labels: label })) await port.removeContainer(container.id);
    });

    afterAll(async () => {
      await subject.cleanup?.(`gct-${run}-`);
    });

    it('tells the engine facts', async () => {
      const info = await port.info();
      expect(info.serverVersion).not.toBe('');
      expect(info.cpus).toBeGreaterThan(0);
      expect(info.memory).toBeGreaterThan(0);
      expect(info.osType).toBe('linux');
    });

    it('inspects images that exist and answers undefined for others', async () => {
      expect(await port.inspectImage(subject.image)).toEqual({ id: expect.any(String) });
      expect(await port.inspectImage(`graphium-contract/absent-${run}:1`)).toBeUndefined();
    });

    it('fails a pull of an image it cannot get with image-not-found', async () => {
      await expect(port.pullImage(`graphium-contract/absent-${run}:1`)).rejects.toMatchObject({ kind: 'image-not-found' });
    });

    it('creates a container with its name, labels and environment; a second one of that name conflicts', async () => {
      const wanted = spec({ env: { GREETING: 'hello world', EMPTY: '' }, labels: { ...label, 'graphium.stack': 's1' } });
      const id = await port.createContainer(wanted);
      const view = await port.inspectContainer(wanted.name);
      expect(view).toMatchObject({ id, name: wanted.name, status: 'created', health: 'none', ports: [] });
      expect(view?.labels).toMatchObject({ 'graphium.stack': 's1' });
      expect(view?.env).toEqual(expect.arrayContaining(['GREETING=hello world', 'EMPTY=']));
      expect(await port.inspectContainer(id)).toMatchObject({ name: wanted.name });
      await expect(port.createContainer({ ...wanted })).rejects.toMatchObject({ kind: 'conflict' });
    });

    it('refuses to create from a missing image with image-not-found', async () => {
      await expect(port.createContainer(spec({ image: `graphium-contract/absent-${run}:1` }))).rejects.toMatchObject({
        kind: 'image-not-found',
      });
    });

    it('starts a container and reports the ports it published, fixed and engine-picked', async () => {
      const wanted = spec({
        ports: [
          { containerPort: 80, hostPort: subject.basePort, protocol: 'tcp' },
          { containerPort: 81, protocol: 'tcp' },
        ],
      });
      const id = await port.createContainer(wanted);
      await port.startContainer(id);
      await port.startContainer(id); // starting a running container is a no-op
      const view = await port.inspectContainer(id);
      expect(view?.status).toBe('running');
      expect(view?.startedAt).toEqual(expect.any(String));
      const byContainerPort = new Map(view?.ports.map((p) => [p.containerPort, p]));
      expect(byContainerPort.get(80)).toMatchObject({ hostPort: subject.basePort, protocol: 'tcp' });
      expect(byContainerPort.get(81)?.hostPort).toBeGreaterThan(0);
    });

    it('refuses to start a second container on a taken host port with port-in-use', async () => {
      const first = await port.createContainer(spec({ ports: [{ containerPort: 80, hostPort: subject.basePort + 1, protocol: 'tcp' }] }));
      await port.startContainer(first);
      const second = await port.createContainer(spec({ ports: [{ containerPort: 80, hostPort: subject.basePort + 1, protocol: 'tcp' }] }));
      const failure = await port.startContainer(second).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isDockerError(failure, 'port-in-use')).toBe(true);
    });

    it('tails the logs, oldest first', async () => {
      const id = await port.createContainer(spec({ cmd: ['sh', '-c', 'echo one; echo two; echo three; sleep 300'] }));
      await port.startContainer(id);
      const lines = await eventually(() => port.containerLogs(id, 2), (l) => l.length === 2);
      expect(lines).toEqual(['two', 'three']);
    });

    it('sees a container that exits, with its exit code', async () => {
      const id = await port.createContainer(spec({ cmd: ['sh', '-c', 'echo bye; exit 3'] }));
      await port.startContainer(id);
      const view = await eventually(() => port.inspectContainer(id), (v) => v?.status === 'exited');
      expect(view).toMatchObject({ status: 'exited', exitCode: 3, ports: [] });
      expect(await port.waitForHealth(id, { timeoutMs: 1000 })).toBe('exited');
      expect(await port.containerLogs(id, 5)).toEqual(['bye']);
    });

    it('stops, stops again, starts and restarts', async () => {
      const id = await port.createContainer(spec());
      await port.startContainer(id);
      await port.stopContainer(id, 0);
      expect((await port.inspectContainer(id))?.status).toBe('exited');
      await port.stopContainer(id, 0); // stopping a stopped container is a no-op
      await port.startContainer(id);
      expect((await port.inspectContainer(id))?.status).toBe('running');
      await port.restartContainer(id, 0);
      expect((await port.inspectContainer(id))?.status).toBe('running');
    });

    it('removes a container; removing or stopping an unknown one is not-found', async () => {
      const id = await port.createContainer(spec());
      await port.startContainer(id);
      await port.removeContainer(id);
      expect(await port.inspectContainer(id)).toBeUndefined();
      await expect(port.removeContainer(id)).rejects.toMatchObject({ kind: 'not-found' });
      await expect(port.stopContainer(`gct-${run}-never`, 0)).rejects.toMatchObject({ kind: 'not-found' });
      await expect(port.startContainer(`gct-${run}-never`)).rejects.toMatchObject({ kind: 'not-found' });
    });

    it('lists containers by label, stopped ones included', async () => {
      const a = spec({ labels: { ...label, role: 'a' } });
      const b = spec({ labels: { ...label, role: 'b' } });
      await port.createContainer(a);
      const bId = await port.createContainer(b);
      await port.startContainer(bId);
      const onlyA = await port.listContainers({ labels: { ...label, role: 'a' } });
      expect(onlyA.map((c) => c.name)).toEqual([a.name]);
      expect(onlyA[0]).toMatchObject({ status: 'created', labels: { role: 'a' } });
      const withRole = await port.listContainers({ labels: { 'graphium.contract': run, role: true } });
      expect(withRole.map((c) => c.name).sort()).toEqual([a.name, b.name].sort());
      const running = await port.listContainers({ labels: label, all: false });
      expect(running.map((c) => c.name)).toEqual([b.name]);
    });

    it('waits for health: healthy, unhealthy, or no health check at all', async () => {
      const check = { intervalSeconds: 0.5, timeoutSeconds: 2, retries: 1, startPeriodSeconds: 0 };
      const good = await port.createContainer(spec({ healthcheck: { ...check, test: ['CMD', 'true'] } }));
      const bad = await port.createContainer(spec({ healthcheck: { ...check, test: ['CMD-SHELL', 'exit 1'] } }));
      const none = await port.createContainer(spec());
      await Promise.all([port.startContainer(good), port.startContainer(bad), port.startContainer(none)]);
      const [goodOutcome, badOutcome, noneOutcome] = await Promise.all([
        port.waitForHealth(good, { timeoutMs: 10_000 }),
        port.waitForHealth(bad, { timeoutMs: 10_000 }),
        port.waitForHealth(none, { timeoutMs: 10_000 }),
      ]);
      expect([goodOutcome, badOutcome, noneOutcome]).toEqual(['healthy', 'unhealthy', 'no-healthcheck']);
      const view = await port.inspectContainer(good);
      expect(view?.health).toBe('healthy');
      expect(view?.healthcheck).toMatchObject({ test: ['CMD', 'true'], intervalSeconds: 0.5, retries: 1 });
    });

    it('mounts named volumes and tmpfs', async () => {
      const id = await port.createContainer(
        spec({
          mounts: [
            { type: 'volume', source: `gct-${run}-data`, target: '/data', readOnly: false },
            { type: 'tmpfs', target: '/scratch', readOnly: false },
          ],
        }),
      );
      const view = await port.inspectContainer(id);
      const byTarget = new Map(view?.mounts.map((m) => [m.target, m]));
      expect(byTarget.get('/data')).toMatchObject({ type: 'volume', source: `gct-${run}-data` });
      expect(byTarget.get('/scratch')).toMatchObject({ type: 'tmpfs' });
    });

    it('ensures a network once, and removes it only when no container uses it and it has the labels', async () => {
      const network = `gct-${run}-net`;
      const first = await port.ensureNetwork(network, { ...label });
      const again = await port.ensureNetwork(network, { ...label });
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      const id = await port.createContainer(spec({ network }));
      expect((await port.inspectContainer(id))?.networks).toEqual([network]);
      expect(await port.removeNetworkIfUnused(network)).toBe(false);
      await port.removeContainer(id);
      expect(await port.removeNetworkIfUnused(network, { 'graphium.contract': 'someone-else' })).toBe(false);
      expect(await port.removeNetworkIfUnused(network, label)).toBe(true);
      expect(await port.removeNetworkIfUnused(network)).toBe(false);
    });
  });
}
