import type { TaskProgress } from '@graphium/shared';
import pino from 'pino';
import type { DockerPort } from '../../src/docker/port';
import type { ExecutorContext } from '../../src/executors/context';
import { STRICT_POLICY, type HostPolicy } from '../../src/executors/hostPolicy';

export const silentLog = pino({ level: 'silent' });

/** An executor context that records the phases it was told. */
export function executorContext(docker: DockerPort, policy: HostPolicy = STRICT_POLICY): ExecutorContext & { phases: TaskProgress[] } {
  const phases: TaskProgress[] = [];
  return {
    docker,
    policy,
    log: silentLog,
    signal: new AbortController().signal,
    progress: (progress) => phases.push(progress),
    phases,
  };
}
