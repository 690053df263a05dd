import { FakeDockerPort } from '../../../src/docker/fakeDockerPort';
import { executeTask } from '../../../src/executors/executeTask';
import type { TaskFailure } from '../../../src/executors/taskFailure';
import { executorContext } from '../../support/executorContext';
import { deployTask, targetTask } from '../../support/tasks';

describe('stop / start / restart / remove executors (fake Docker)', () => {
  let docker: FakeDockerPort;
  beforeEach(() => {
    docker = new FakeDockerPort({ images: { 'busybox:latest': { cmd: ['sh'] } } });
  });
  const run = (task: Parameters<typeof executeTask>[0]) => executeTask(task, executorContext(docker));

  it('stop, then start again, on the labelled container', async () => {
    const deployed = await run(deployTask({ container: { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] } }));
    expect(await run(targetTask('stop', 'shop-web'))).toEqual({ containerId: deployed.containerId, ports: [], state: 'exited' });
    expect(await run(targetTask('stop', 'shop-web'))).toMatchObject({ state: 'exited' });
    const started = await run(targetTask('start', 'shop-web'));
    expect(started).toMatchObject({ containerId: deployed.containerId, state: 'running', ports: [{ containerPort: 80, hostPort: 8080 }] });
    expect(await run(targetTask('start', 'shop-web'))).toMatchObject({ state: 'running' });
  });

  it('restart keeps the container and reports it running', async () => {
    const deployed = await run(deployTask());
    expect(await run(targetTask('restart', 'shop-web'))).toMatchObject({ containerId: deployed.containerId, state: 'running' });
  });

  it('stop and remove of a missing container succeed', async () => {
    expect(await run(targetTask('stop', 'shop-nothing'))).toEqual({ ports: [], state: 'missing' });
    expect(await run(targetTask('remove', 'shop-nothing'))).toEqual({ ports: [], state: 'removed' });
  });

  it('remove twice: gone after the first, still a success the second time', async () => {
    const deployed = await run(deployTask());
    expect(await run(targetTask('remove', 'shop-web'))).toEqual({ containerId: deployed.containerId, ports: [], state: 'removed' });
    expect(await docker.inspectContainer('shop-web')).toBeUndefined();
    expect(await run(targetTask('remove', 'shop-web'))).toEqual({ ports: [], state: 'removed' });
  });

  it('remove honours the stop timeout with a graceful stop first', async () => {
    await run(deployTask());
    await run(targetTask('remove', 'shop-web', 7));
    expect(docker.calls.filter((c) => /^(stopContainer|removeContainer)/.test(c)).map((c) => c.split(' ')[0])).toEqual(['stopContainer', 'removeContainer']);
  });

  it('removing the last container of a stack network removes the network it made', async () => {
    await run(deployTask({ network: 'shop-net', container: { name: 'a' } }));
    await run(deployTask({ network: 'shop-net', container: { name: 'b' } }));
    await run(targetTask('remove', 'shop-a'));
    expect(docker.networkNames()).toContain('shop-net');
    await run(targetTask('remove', 'shop-b'));
    expect(docker.networkNames()).not.toContain('shop-net');
  });

  it('start of a missing container fails permanently', async () => {
    const failure = (await run(targetTask('start', 'shop-gone')).catch((e: unknown) => e)) as TaskFailure;
    expect(failure.toTaskError()).toMatchObject({ code: 'SPEC_INVALID', retryable: false });
  });

  it('never stops or removes a container Graphium does not manage', async () => {
    await docker.createContainer({ name: 'shop-web', image: 'busybox', env: {}, labels: {}, ports: [], mounts: [] });
    for (const type of ['stop', 'remove'] as const) {
      const failure = (await run(targetTask(type, 'shop-web')).catch((e: unknown) => e)) as TaskFailure;
      expect(failure.code).toBe('POLICY_REFUSED');
    }
    expect(await docker.inspectContainer('shop-web')).toBeDefined();
  });

  it('a payload that does not fit the task type is SPEC_INVALID', async () => {
    const task = { ...targetTask('stop', 'shop-web'), taskType: 'deploy' as const };
    const failure = (await run(task).catch((e: unknown) => e)) as TaskFailure;
    expect(failure.code).toBe('SPEC_INVALID');
  });
});
