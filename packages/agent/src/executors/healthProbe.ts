/**
 * A stack's healthCheck as a Docker healthcheck. `exec` runs the given command (CMD, or CMD-SHELL when the
 * spec says `shell`). `http` and `tcp` have no Docker equivalent, so they become a shell probe built from
 * tools small images usually carry: `wget` (busybox, alpine) falling back to `curl` for http, and `nc` for
 * tcp (`-z` where supported, else a plain connect with stdin closed, which busybox's nc needs). An image
 * without a shell or those tools needs an `exec` check. Probes go to 127.0.0.1 inside the container, since
 * `localhost` may resolve to ::1 where the server does not listen. Busybox's `wget -T` crashes on Debian's
 * static build, so the probe relies on Docker's own timeout instead.
 */
import type { ContainerSpec, HealthCheckSpec } from '@graphium/shared';
import type { HealthcheckConfig } from '../docker/port.js';
import { TaskFailure } from './taskFailure.js';

/** Docker reads Retries 0 as "use the default", which is 3. */
export const DOCKER_DEFAULT_RETRIES = 3;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function probePort(check: HealthCheckSpec, spec: ContainerSpec): number {
  const port = check.port ?? spec.ports[0]?.containerPort;
  if (port === undefined) throw new TaskFailure('SPEC_INVALID', `the ${check.type} health check of ${spec.name} names no port and the container has none`);
  return port;
}

export function healthTest(spec: ContainerSpec, check: HealthCheckSpec): string[] {
  switch (check.type) {
    case 'exec': {
      const command = check.command ?? [];
      if (command.length === 0) throw new TaskFailure('SPEC_INVALID', `the exec health check of ${spec.name} has no command`);
      return check.shell ? ['CMD-SHELL', command.join(' ')] : ['CMD', ...command];
    }
    case 'http': {
      const url = shellQuote(`http://127.0.0.1:${probePort(check, spec)}${check.path ?? '/'}`);
      return ['CMD-SHELL', `wget -q -O /dev/null ${url} 2>/dev/null || curl -fsS -o /dev/null ${url} || exit 1`];
    }
    case 'tcp': {
      const port = probePort(check, spec);
      return ['CMD-SHELL', `nc -z 127.0.0.1 ${port} 2>/dev/null || nc 127.0.0.1 ${port} </dev/null >/dev/null 2>&1 || exit 1`];
    }
  }
}

export function toDockerHealthcheck(spec: ContainerSpec): HealthcheckConfig | undefined {
  const check = spec.healthCheck;
  if (check === undefined) return undefined;
  return {
    test: healthTest(spec, check),
    intervalSeconds: check.interval,
    timeoutSeconds: check.timeout,
    retries: check.retries,
    startPeriodSeconds: check.startPeriod,
  };
}

/**
 * How long a fresh container may take to turn healthy or unhealthy: its start period, then a probe every
 * interval until the retries are spent (each probe may use its whole timeout), plus a little slack.
 */
export function healthDeadlineMs(check: HealthcheckConfig): number {
  const retries = check.retries > 0 ? check.retries : DOCKER_DEFAULT_RETRIES;
  const seconds = check.startPeriodSeconds + (retries + 1) * (check.intervalSeconds + check.timeoutSeconds) + 2;
  return Math.ceil(seconds * 1000);
}
