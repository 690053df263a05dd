import type { TaskProgress } from '@graphium/shared';
import type { Logger } from 'pino';
import type { DockerPort } from '../docker/port.js';
import type { HostPolicy } from './hostPolicy.js';

/** What an executor gets besides its task. */
export interface ExecutorContext {
  docker: DockerPort;
  policy: HostPolicy;
  log: Logger;
  /** Aborted when the task times out, its lease is lost or the agent stops waiting for it. */
  signal: AbortSignal;
  /** Reports a phase; the runner forwards it to the controller (latest wins). */
  progress: (progress: TaskProgress) => void;
  /** Container log lines attached to a failure. Default 20. */
  logTail?: number;
  /**
   * How long a container without a health check must keep running after start to count as deployed, so one
   * that crashes at once fails its deploy. Default 0: running right after start is enough.
   */
  settleMs?: number;
}

export const DEFAULT_LOG_TAIL = 20;
