import { FakeDockerPort } from '../../../src/docker/fakeDockerPort';
import { DockerError } from '../../../src/docker/port';
import { executeTask } from '../../../src/executors/executeTask';
import { LABEL } from '../../../src/executors/labels';
import type { TaskFailure } from '../../../src/executors/taskFailure';
import { executorContext } from '../../support/executorContext';
import { deployTask } from '../../support/tasks';

const images = { 'busybox:latest': { cmd: ['sh'] }, 'nginx:alpine': { cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] } };

async function failureOf(promise: Promise<unknown>): Promise<TaskFailure> {
  try {
    await promise;
  } catch (error) {
    return error as TaskFailure;
  }
  throw new Error('expected the task to fail');
}

describe('deploy executor (fake Docker)', () => {
  let docker: FakeDockerPort;
  beforeEach(() => {
    docker = new FakeDockerPort({ images });
  });

  it('creates the named, labelled container with merged environment and published ports', async () => {
    const task = deployTask({
      container: {
        image: 'nginx:alpine',
        command: undefined,
        environment: { MODE: 'explicit', DB_HOST: 'mine' },
        ports: [{ containerPort: 80, hostPort: 8081, protocol: 'tcp' }],
        labels: { team: 'web', [LABEL.managed]: 'forged' },
      },
      injectedEnv: { DB_HOST: 'injected', DB_PORT: '5432' },
      specHash: 'abc',
    });
    const ctx = executorContext(docker);
    const result = await executeTask(task, ctx);
    const view = await docker.inspectContainer('shop-web');
    expect(view?.labels).toMatchObject({
      [LABEL.managed]: 'true',
      [LABEL.stack]: 'shop',
      [LABEL.container]: 'web',
      [LABEL.task]: task['@id'],
      [LABEL.specHash]: 'abc',
      team: 'web',
    });
    expect(view?.env).toEqual(expect.arrayContaining(['MODE=explicit', 'DB_HOST=mine', 'DB_PORT=5432']));
    expect(result).toEqual({ containerId: view?.id, ports: [{ containerPort: 80, hostPort: 8081, protocol: 'tcp', hostIP: '0.0.0.0' }], state: 'running' });
    expect(ctx.phases.map((p) => p.phase)).toEqual(['creating', 'starting']);
  });

  it('is idempotent: the same task twice adopts the running container', async () => {
    const task = deployTask();
    const first = await executeTask(task, executorContext(docker));
    const second = await executeTask(task, executorContext(docker));
    expect(second.containerId).toBe(first.containerId);
    expect(await docker.listContainers({ labels: { [LABEL.managed]: 'true' } })).toHaveLength(1);
    expect(docker.calls.filter((c) => c.startsWith('createContainer'))).toHaveLength(1);
  });

  it('replaces a container whose spec hash or environment changed, never keeping two', async () => {
    const first = await executeTask(deployTask({ specHash: 'v1' }), executorContext(docker));
    const second = await executeTask(deployTask({ specHash: 'v2' }), executorContext(docker));
    const third = await executeTask(deployTask({ specHash: 'v2', injectedEnv: { DB_PORT: '32769' } }), executorContext(docker));
    expect(new Set([first.containerId, second.containerId, third.containerId]).size).toBe(3);
    const all = await docker.listContainers({ labels: { [LABEL.container]: 'web' } });
    expect(all.map((c) => c.id)).toEqual([third.containerId]);
  });

  it('replaces a same-hash container that is not running instead of adopting it', async () => {
    const task = deployTask();
    const first = await executeTask(task, executorContext(docker));
    await docker.stopContainer(first.containerId!);
    const second = await executeTask(task, executorContext(docker));
    expect(second.containerId).not.toBe(first.containerId);
    expect(second.state).toBe('running');
  });

  describe('pull policy', () => {
    it('never: a missing image fails at once, permanently', async () => {
      const failure = await failureOf(executeTask(deployTask({ container: { image: 'redis:7' }, pullPolicy: 'never' }), executorContext(docker)));
      expect(failure.toTaskError()).toMatchObject({ code: 'IMAGE_NOT_FOUND', retryable: false });
      expect(docker.calls.some((c) => c.startsWith('pullImage'))).toBe(false);
    });

    it('if-not-present: pulls a missing image, and reports the pulling phase', async () => {
      docker = new FakeDockerPort({ images, registry: { 'redis:7': { cmd: ['redis-server'] } } });
      const ctx = executorContext(docker);
      await executeTask(deployTask({ container: { image: 'redis:7', command: undefined } }), ctx);
      expect(ctx.phases[0]).toMatchObject({ phase: 'pulling', message: 'redis:7' });
      expect(docker.calls.filter((c) => c.startsWith('pullImage'))).toEqual(['pullImage redis:7']);
    });

    it('if-not-present: does not pull an image already there', async () => {
      await executeTask(deployTask(), executorContext(docker));
      expect(docker.calls.some((c) => c.startsWith('pullImage'))).toBe(false);
    });

    it('an image no registry has fails permanently as IMAGE_NOT_FOUND', async () => {
      const failure = await failureOf(executeTask(deployTask({ container: { image: 'ghost:1' } }), executorContext(docker)));
      expect(failure.toTaskError()).toMatchObject({ code: 'IMAGE_NOT_FOUND', retryable: false });
    });

    it('always: pulls even when present', async () => {
      docker = new FakeDockerPort({ images, registry: images });
      await executeTask(deployTask({ pullPolicy: 'always' }), executorContext(docker));
      expect(docker.calls.filter((c) => c.startsWith('pullImage'))).toHaveLength(1);
    });
  });

  it('a malformed image reference is IMAGE_INVALID, permanent', async () => {
    const failure = await failureOf(executeTask(deployTask({ container: { image: 'Bad Image!' } }), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'IMAGE_INVALID', retryable: false });
  });

  it('a host port published by a foreign container is PORT_CONFLICT, permanent, naming the holder', async () => {
    const foreign = await docker.createContainer({ name: 'someone-else', image: 'busybox', env: {}, labels: {}, cmd: ['sleep', '1'], ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }], mounts: [] });
    await docker.startContainer(foreign);
    const failure = await failureOf(executeTask(deployTask({ container: { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] } }), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'PORT_CONFLICT', retryable: false });
    expect(failure.message).toContain('someone-else');
    expect(await docker.inspectContainer('shop-web')).toBeUndefined();
  });

  it('a host port held outside Docker is PORT_CONFLICT, and the created container is not left behind', async () => {
    docker = new FakeDockerPort({ images, occupiedHostPorts: [9000] });
    const failure = await failureOf(executeTask(deployTask({ container: { ports: [{ containerPort: 80, hostPort: 9000, protocol: 'tcp' }] } }), executorContext(docker)));
    expect(failure.code).toBe('PORT_CONFLICT');
    expect(await docker.inspectContainer('shop-web')).toBeUndefined();
  });

  it('refuses to touch a container of the same name that Graphium does not manage', async () => {
    await docker.createContainer({ name: 'shop-web', image: 'busybox', env: {}, labels: {}, ports: [], mounts: [] });
    const failure = await failureOf(executeTask(deployTask(), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'POLICY_REFUSED', retryable: false });
  });

  it('waits for health and reports it', async () => {
    const ctx = executorContext(docker);
    const result = await executeTask(deployTask({ container: { healthCheck: { type: 'exec', command: ['true'], shell: false, interval: 1, timeout: 1, retries: 1, startPeriod: 0 } } }), ctx);
    expect(result).toMatchObject({ state: 'running', healthy: true });
    expect(ctx.phases.map((p) => p.phase)).toEqual(['creating', 'starting', 'waiting-for-health']);
  });

  it('a failing health check fails the task with the container logs, retryable', async () => {
    const task = deployTask({
      container: {
        command: ['sh', '-c', 'echo starting up; echo cannot reach db; sleep 300'],
        healthCheck: { type: 'exec', command: ['exit 1'], shell: true, interval: 1, timeout: 1, retries: 1, startPeriod: 0 },
      },
    });
    const failure = await failureOf(executeTask(task, executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'HEALTHCHECK_FAILED', retryable: true, logs: ['starting up', 'cannot reach db'] });
  });

  it('a container that exits fails the task as CONTAINER_EXITED with its logs', async () => {
    const failure = await failureOf(executeTask(deployTask({ container: { command: ['sh', '-c', 'echo config missing; exit 2'] } }), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'CONTAINER_EXITED', retryable: true, logs: ['config missing'] });
    expect(failure.message).toContain('code 2');
  });

  it('an unreachable engine is DOCKER_UNAVAILABLE, retryable', async () => {
    docker.setUnavailable(true);
    const failure = await failureOf(executeTask(deployTask(), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'DOCKER_UNAVAILABLE', retryable: true });
  });

  it('a command the image cannot run is SPEC_INVALID', async () => {
    docker.failNext('startContainer', new DockerError('invalid', 'exec: "nope": executable file not found in $PATH'));
    const failure = await failureOf(executeTask(deployTask(), executorContext(docker)));
    expect(failure.toTaskError()).toMatchObject({ code: 'SPEC_INVALID', retryable: false });
    expect(await docker.inspectContainer('shop-web')).toBeUndefined();
  });

  it('creates the stack network when missing and joins it', async () => {
    await executeTask(deployTask({ network: 'shop-net' }), executorContext(docker));
    expect(docker.networkNames()).toContain('shop-net');
    expect((await docker.inspectContainer('shop-web'))?.networks).toEqual(['shop-net']);
  });

  it('an aborted task stops between steps', async () => {
    const ctx = executorContext(docker);
    const controller = new AbortController();
    controller.abort(new Error('lease lost'));
    const failure = await failureOf(executeTask(deployTask(), { ...ctx, signal: controller.signal }));
    expect(failure.code).toBe('CANCELLED');
    expect(docker.calls).toEqual([]);
  });
});
