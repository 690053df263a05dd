/**
 * A fixed host port that another container already publishes fails the deploy before anything is created,
 * naming the holder: a foreign container will not move by retrying, so the failure is permanent.
 */
import type { ContainerCreateSpec, DockerPort } from '../docker/port.js';
import { LABEL } from './labels.js';
import { TaskFailure } from './taskFailure.js';

function sameAddress(a: string | undefined, b: string | undefined): boolean {
  // No address means the engine's default, which may be any address: assume they meet.
  if (a === undefined || b === undefined) return true;
  return a === b || a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';
}

export async function assertPortsFree(docker: DockerPort, wanted: ContainerCreateSpec): Promise<void> {
  const fixed = wanted.ports.filter((port) => port.hostPort !== undefined);
  if (fixed.length === 0) return;
  const running = await docker.listContainers({ all: false });
  for (const port of fixed) {
    for (const holder of running) {
      if (holder.name === wanted.name) continue;
      const clash = holder.ports.find(
        (p) => p.hostPort === port.hostPort && p.protocol === port.protocol && sameAddress(p.hostIP, port.hostIP),
      );
      if (clash === undefined) continue;
      const stack = holder.labels[LABEL.stack];
      const owner = holder.labels[LABEL.managed] === 'true' ? `Graphium container of stack ${stack ?? '?'}` : 'not managed by Graphium';
      throw new TaskFailure(
        'PORT_CONFLICT',
        `host port ${port.hostPort}/${port.protocol} is already published by container ${holder.name} (${owner})`,
      );
    }
  }
}
