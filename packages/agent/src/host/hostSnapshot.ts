/**
 * What a heartbeat tells about the host besides the machine load: the containers Graphium manages (so the
 * controller sees drift and orphans), how many containers run, and which host ports are taken — by any
 * container of the engine, and by wildcard listeners on this machine when the engine is local.
 */
import type { HostLoad, InventoryEntry } from '@graphium/shared';
import type { ContainerSummary, DockerPort } from '../docker/port.js';
import { isManaged, LABEL } from '../executors/labels.js';
import type { LoadSampler } from './loadSampler.js';

export interface HostSnapshot {
  load: HostLoad;
  usedHostPorts: number[];
  inventory: InventoryEntry[];
}

export function inventoryEntryOf(container: ContainerSummary): InventoryEntry {
  const label = (key: string) => container.labels[key];
  return {
    dockerName: container.name,
    containerId: container.id,
    state: container.status,
    ...(label(LABEL.stack) === undefined ? {} : { stack: label(LABEL.stack) }),
    ...(label(LABEL.container) === undefined ? {} : { container: label(LABEL.container) }),
    ...(label(LABEL.task) === undefined ? {} : { taskId: label(LABEL.task) }),
    ...(label(LABEL.specHash) === undefined ? {} : { specHash: label(LABEL.specHash) }),
    ports: container.ports,
  };
}

export async function takeHostSnapshot(
  docker: DockerPort,
  sampler: LoadSampler,
  localListeners: () => number[],
): Promise<HostSnapshot> {
  const containers = await docker.listContainers({ all: true });
  const running = containers.filter((c) => c.status === 'running');
  const ports = new Set<number>(localListeners());
  for (const container of running) for (const port of container.ports) ports.add(port.hostPort);
  return {
    load: { ...sampler.sample(), containerCount: running.length },
    usedHostPorts: [...ports].filter((p) => p >= 1 && p <= 65535).sort((a, b) => a - b),
    inventory: containers.filter((c) => isManaged(c.labels)).map(inventoryEntryOf),
  };
}
