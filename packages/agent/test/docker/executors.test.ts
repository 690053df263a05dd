/**
 * The executors on a real dockerd (test host 2): what a deploy makes is checked from outside, inside the
 * container (`docker exec`) and over HTTP on the host's published port.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Dockerode from 'dockerode';
import { DockerodePort } from '../../src/docker/dockerodePort';
import { executeTask } from '../../src/executors/executeTask';
import { LABEL } from '../../src/executors/labels';
import type { TaskFailure } from '../../src/executors/taskFailure';
import { dockerExec } from '../support/dockerExec';
import { testHost } from '../support/dockerHosts';
import { executorContext } from '../support/executorContext';
import { deployTask, targetTask, type DeployTaskOptions } from '../support/tasks';

jest.setTimeout(90_000);

const host = testHost(1);
const docker = new Dockerode({ socketPath: host.socketPath });
const port = new DockerodePort(docker);
const stack = `dt${randomBytes(3).toString('hex')}`;
const bindRoot = mkdtempSync(join(tmpdir(), 'graphium-bind-'));
const policy = { allowPrivileged: false, allowHostNetwork: false, allowBindPaths: [bindRoot] };
// Host 2's range for this file.
const PORT = { web: 22080, foreign: 22090, again: 22081 };

const deploy = (options: DeployTaskOptions) => deployTask({ stack, ...options });
const run = (task: Parameters<typeof executeTask>[0]) => executeTask(task, executorContext(port, policy));
const failureOf = async (task: Parameters<typeof executeTask>[0]): Promise<TaskFailure> => {
  try {
    await run(task);
  } catch (error) {
    return error as TaskFailure;
  }
  throw new Error('expected the task to fail');
};

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

/** A port just published may take a moment to accept (docker-proxy starts after the container). */
async function httpAnswers(url: string): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await httpGet(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

afterEach(async () => {
  const ours = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.stack}=${stack}`] }) });
  const foreign = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`${stack}-foreign`] }) });
  for (const c of [...ours, ...foreign]) await docker.getContainer(c.Id).remove({ force: true, v: true });
});

afterAll(async () => {
  const { Volumes } = await docker.listVolumes();
  for (const v of Volumes ?? []) if (v.Name.startsWith(stack)) await docker.getVolume(v.Name).remove();
  for (const n of await docker.listNetworks()) if (n.Name.startsWith(stack)) await docker.getNetwork(n.Id).remove();
  rmSync(bindRoot, { recursive: true, force: true });
});

describe('executors on a real dockerd', () => {
  it('deploys with ports, environment, volumes and an http health check; the port answers and the env is inside', async () => {
    writeFileSync(join(bindRoot, 'greeting.txt'), 'hello from the host\n');
    const task = deploy({
      container: {
        name: 'web',
        image: 'nginx:alpine',
        command: undefined,
        ports: [{ containerPort: 80, hostPort: PORT.web, protocol: 'tcp' }],
        environment: { APP_MODE: 'production', DB_HOST: 'explicit-wins' },
        volumeMounts: [
          { type: 'volume', source: `${stack}-data`, target: '/data', readOnly: false },
          { type: 'bind', source: bindRoot, target: '/www/host', readOnly: true },
          { type: 'tmpfs', target: '/scratch', readOnly: false },
        ],
        healthCheck: { type: 'http', path: '/', port: 80, shell: false, interval: 1, timeout: 2, retries: 3, startPeriod: 0 },
        resources: { limits: { memory: 64 * 1024 * 1024, cpus: 0.5 } },
        restartPolicy: 'unless-stopped',
      },
      injectedEnv: { DB_HOST: 'injected', DB_PORT: '5432', DB_ENDPOINT: '172.31.3.1:5432' },
      network: `${stack}-net`,
    });
    const ctx = executorContext(port, policy);
    const result = await executeTask(task, ctx);
    expect(result).toMatchObject({ state: 'running', healthy: true, ports: [{ containerPort: 80, hostPort: PORT.web, protocol: 'tcp' }] });
    expect(ctx.phases.map((p) => p.phase)).toEqual(['creating', 'starting', 'waiting-for-health']);

    const env = await dockerExec(docker, `${stack}-web`, ['env']);
    expect(env).toContain('APP_MODE=production');
    expect(env).toContain('DB_HOST=explicit-wins');
    expect(env).toContain('DB_PORT=5432');
    expect(env).toContain('DB_ENDPOINT=172.31.3.1:5432');

    const page = await httpAnswers(`http://${host.address}:${PORT.web}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('graphium test');
    // The bind mount is served from the host directory; the volume and tmpfs are writable.
    expect((await httpGet(`http://${host.address}:${PORT.web}/host/greeting.txt`)).body).toBe('hello from the host\n');
    await dockerExec(docker, `${stack}-web`, ['sh', '-c', 'echo kept > /data/file; echo gone > /scratch/file']);
    const mounts = await dockerExec(docker, `${stack}-web`, ['cat', '/proc/mounts']);
    expect(mounts).toMatch(/ \/scratch tmpfs /);

    const inspect = await docker.getContainer(`${stack}-web`).inspect();
    expect(inspect.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, NanoCpus: 5e8, RestartPolicy: { Name: 'unless-stopped' } });
    expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual([`${stack}-net`]);
    expect(inspect.Config.Labels).toMatchObject({ [LABEL.managed]: 'true', [LABEL.stack]: stack, [LABEL.container]: 'web', [LABEL.specHash]: 'hash-1' });
    expect(readFileSync(join(bindRoot, 'greeting.txt'), 'utf8')).toBe('hello from the host\n');
  });

  it('the same task twice makes one container; remove twice succeeds', async () => {
    const task = deploy({ container: { name: 'twice', image: 'busybox:latest' } });
    const first = await run(task);
    const second = await run(task);
    expect(second.containerId).toBe(first.containerId);
    const listed = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.container}=twice`, `${LABEL.stack}=${stack}`] }) });
    expect(listed).toHaveLength(1);
    expect(await run(targetTask('remove', `${stack}-twice`, 0))).toMatchObject({ state: 'removed', containerId: first.containerId });
    expect(await run(targetTask('remove', `${stack}-twice`, 0))).toEqual({ ports: [], state: 'removed' });
    expect(await port.inspectContainer(`${stack}-twice`)).toBeUndefined();
  });

  it('a changed spec replaces the container, never two', async () => {
    const first = await run(deploy({ container: { name: 'stale' }, specHash: 'v1' }));
    const second = await run(deploy({ container: { name: 'stale' }, specHash: 'v2' }));
    expect(second.containerId).not.toBe(first.containerId);
    const listed = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.container}=stale`, `${LABEL.stack}=${stack}`] }) });
    expect(listed.map((c) => c.Id)).toEqual([second.containerId]);
  });

  it('stop then start: the port goes away and answers again', async () => {
    const task = deploy({ container: { name: 'cycle', image: 'nginx:alpine', command: undefined, ports: [{ containerPort: 80, hostPort: PORT.again, protocol: 'tcp' }] } });
    await run(task);
    expect((await httpAnswers(`http://${host.address}:${PORT.again}/`)).status).toBe(200);
    expect(await run(targetTask('stop', `${stack}-cycle`, 1))).toMatchObject({ state: 'exited' });
    await expect(httpGet(`http://${host.address}:${PORT.again}/`)).rejects.toThrow();
    expect(await run(targetTask('start', `${stack}-cycle`))).toMatchObject({ state: 'running', ports: [{ hostPort: PORT.again }] });
    expect((await httpAnswers(`http://${host.address}:${PORT.again}/`)).status).toBe(200);
    expect(await run(targetTask('restart', `${stack}-cycle`, 1))).toMatchObject({ state: 'running' });
  });

  it('policy refusals create nothing', async () => {
    for (const fields of [{ privileged: true }, { networkMode: 'host' }, { volumeMounts: [{ type: 'bind' as const, source: '/etc', target: '/host-etc', readOnly: true }] }]) {
      const failure = await failureOf(deploy({ container: { name: 'refused', ...fields } }));
      expect(failure.toTaskError()).toMatchObject({ code: 'POLICY_REFUSED', retryable: false });
    }
    expect(await port.inspectContainer(`${stack}-refused`)).toBeUndefined();
  });

  it('a failing health check fails with the last log lines', async () => {
    const failure = await failureOf(
      deploy({
        container: {
          name: 'sick',
          command: ['sh', '-c', 'echo booting; echo no upstream configured; sleep 300'],
          healthCheck: { type: 'http', path: '/healthz', port: 8080, shell: false, interval: 0.5, timeout: 1, retries: 2, startPeriod: 0 },
        },
      }),
    );
    expect(failure.toTaskError()).toMatchObject({ code: 'HEALTHCHECK_FAILED', retryable: true, logs: ['booting', 'no upstream configured'] });
  });

  it('a tcp health check passes with busybox nc', async () => {
    const result = await run(
      deploy({ container: { name: 'tcp', image: 'nginx:alpine', command: undefined, healthCheck: { type: 'tcp', port: 80, shell: false, interval: 0.5, timeout: 2, retries: 2, startPeriod: 0 } } }),
    );
    expect(result).toMatchObject({ state: 'running', healthy: true });
  });

  it('a container that exits within the settle time fails as CONTAINER_EXITED with its logs', async () => {
    const task = deploy({ container: { name: 'crash', command: ['sh', '-c', 'echo missing config; sleep 0.2; exit 4'] } });
    const failure = (await executeTask(task, { ...executorContext(port, policy), settleMs: 1500 }).catch((e: unknown) => e)) as TaskFailure;
    expect(failure.toTaskError()).toMatchObject({ code: 'CONTAINER_EXITED', retryable: true, logs: ['missing config'] });
    expect(failure.message).toContain('code 4');
  });

  it('a host port held by a foreign container is PORT_CONFLICT, permanent', async () => {
    const foreign = await docker.createContainer({
      name: `${stack}-foreign`,
      Image: 'nginx:alpine',
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: String(PORT.foreign) }] } },
      ExposedPorts: { '80/tcp': {} },
    });
    await foreign.start();
    const failure = await failureOf(deploy({ container: { name: 'clash', ports: [{ containerPort: 80, hostPort: PORT.foreign, protocol: 'tcp' }] } }));
    expect(failure.toTaskError()).toMatchObject({ code: 'PORT_CONFLICT', retryable: false });
    expect(failure.message).toContain(`${stack}-foreign`);
    expect(await port.inspectContainer(`${stack}-clash`)).toBeUndefined();
  });

  it('images that cannot be had: IMAGE_NOT_FOUND, permanent, under never and when no registry answers', async () => {
    for (const pullPolicy of ['never', 'if-not-present'] as const) {
      const failure = await failureOf(deploy({ container: { name: 'ghost', image: 'graphium-test/ghost:1' }, pullPolicy }));
      expect(failure.toTaskError()).toMatchObject({ code: 'IMAGE_NOT_FOUND', retryable: false });
    }
  });
});
