import { containerSpec } from '@graphium/shared';
import { FakeDockerPort } from '../../../src/docker/fakeDockerPort';
import { executeTask } from '../../../src/executors/executeTask';
import { isUnder, policyViolations, STRICT_POLICY } from '../../../src/executors/hostPolicy';
import type { TaskFailure } from '../../../src/executors/taskFailure';
import { executorContext } from '../../support/executorContext';
import { deployTask } from '../../support/tasks';

describe('host policy', () => {
  it.each([
    ['/data', '/data', true],
    ['/data/app', '/data', true],
    ['/data/../etc', '/data', false],
    ['/database', '/data', false],
    ['/data', '/data/', true],
    ['/anything', '/', true],
  ])('isUnder(%s, %s) = %s', (path, root, expected) => {
    expect(isUnder(path, root)).toBe(expected);
  });

  const spec = (fields: object) => containerSpec.parse({ name: 'c', image: 'busybox', ...fields });

  it('refuses privileged, host network and binds outside the allowed paths by default', () => {
    const reasons = policyViolations(
      spec({ privileged: true, networkMode: 'host', volumeMounts: [{ type: 'bind', source: '/etc', target: '/x' }] }),
      STRICT_POLICY,
    );
    expect(reasons).toHaveLength(3);
    expect(reasons.join(' ')).toMatch(/--allow-privileged.*--allow-host-network.*--allow-bind/);
  });

  it('allows what the agent was started allowing', () => {
    const policy = { allowPrivileged: true, allowHostNetwork: true, allowBindPaths: ['/srv/data'] };
    expect(
      policyViolations(spec({ privileged: true, networkMode: 'host', volumeMounts: [{ type: 'bind', source: '/srv/data/a', target: '/x' }] }), policy),
    ).toEqual([]);
    expect(policyViolations(spec({ volumeMounts: [{ type: 'volume', source: 'named', target: '/x' }, { type: 'tmpfs', target: '/t' }] }), STRICT_POLICY)).toEqual([]);
  });

  it.each([
    ['privileged', { privileged: true }],
    ['host network', { networkMode: 'host' }],
    ['bind outside', { volumeMounts: [{ type: 'bind' as const, source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false }] }],
  ])('a deploy asking for %s fails permanently with POLICY_REFUSED and creates nothing', async (_what, fields) => {
    const docker = new FakeDockerPort({ images: { busybox: {} } });
    const failure = (await executeTask(deployTask({ container: fields }), executorContext(docker)).catch((e: unknown) => e)) as TaskFailure;
    expect(failure.toTaskError()).toMatchObject({ code: 'POLICY_REFUSED', retryable: false });
    expect(docker.calls).toEqual([]);
  });
});
