import { createSpecOf, envHashOf } from '../../../src/executors/createSpec';
import { healthDeadlineMs, toDockerHealthcheck } from '../../../src/executors/healthProbe';
import { containerSpec } from '@graphium/shared';
import { deployTask } from '../../support/tasks';

describe('deploy payload → container create spec', () => {
  it('maps command, args, entrypoint, working dir, user, restart policy and limits', () => {
    const task = deployTask({
      container: {
        entrypoint: ['/bin/sh', '-c'],
        command: ['exec', 'server'],
        args: ['--port', '80'],
        workingDir: '/srv',
        user: '1000:1000',
        restartPolicy: 'unless-stopped',
        resources: { limits: { cpus: 0.5, memory: 64 * 1024 * 1024 }, reservations: { memory: 32 * 1024 * 1024 } },
        volumeMounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }],
      },
    });
    const spec = createSpecOf(task, task.payload as never);
    expect(spec).toMatchObject({
      name: 'shop-web',
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['exec', 'server', '--port', '80'],
      workingDir: '/srv',
      user: '1000:1000',
      restartPolicy: 'unless-stopped',
      cpuLimit: 0.5,
      memoryLimit: 64 * 1024 * 1024,
      memoryReservation: 32 * 1024 * 1024,
      mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: true }],
    });
  });

  it('keeps the image command when the spec names none', () => {
    const task = deployTask({ container: { command: undefined } });
    expect(createSpecOf(task, task.payload as never).cmd).toBeUndefined();
  });

  it('a networkMode wins over the stack network', () => {
    const task = deployTask({ network: 'shop-net', container: { networkMode: 'none' } });
    expect(createSpecOf(task, task.payload as never)).toMatchObject({ network: undefined, networkMode: 'none' });
  });

  it('hashes the environment independently of key order', () => {
    expect(envHashOf({ A: '1', B: '2' })).toBe(envHashOf({ B: '2', A: '1' }));
    expect(envHashOf({ A: '1' })).not.toBe(envHashOf({ A: '2' }));
  });
});

describe('health checks → Docker healthchecks', () => {
  const spec = (healthCheck: object, ports: object[] = [{ containerPort: 8080 }]) =>
    containerSpec.parse({ name: 'web', image: 'busybox', ports, healthCheck });

  it.each([
    [{ type: 'exec', command: ['pg_isready', '-U', 'app'] }, ['CMD', 'pg_isready', '-U', 'app']],
    [{ type: 'exec', command: ['curl -f localhost || exit 1'], shell: true }, ['CMD-SHELL', 'curl -f localhost || exit 1']],
  ])('%j → %j', (check, test) => {
    expect(toDockerHealthcheck(spec(check))?.test).toEqual(test);
  });

  it('http probes the path on 127.0.0.1 with wget, then curl', () => {
    const test = toDockerHealthcheck(spec({ type: 'http', path: '/healthz', port: 80 }))!.test;
    expect(test[0]).toBe('CMD-SHELL');
    expect(test[1]).toContain("wget -q -O /dev/null 'http://127.0.0.1:80/healthz'");
    expect(test[1]).toContain('curl -fsS');
  });

  it('tcp defaults to the first container port', () => {
    expect(toDockerHealthcheck(spec({ type: 'tcp' }))!.test[1]).toContain('nc -z 127.0.0.1 8080');
  });

  it('carries the timings and bounds the wait by start period, retries and interval', () => {
    const check = toDockerHealthcheck(spec({ type: 'tcp', interval: 2, timeout: 1, retries: 2, startPeriod: 5 }))!;
    expect(check).toMatchObject({ intervalSeconds: 2, timeoutSeconds: 1, retries: 2, startPeriodSeconds: 5 });
    expect(healthDeadlineMs(check)).toBe((5 + 3 * 3 + 2) * 1000);
  });
});
