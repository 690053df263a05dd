import type { HostSnapshot } from '../../src/models/host.js';
import { stackSpec, type StackSpec } from '../../src/models/stackSpec.js';
import { EMPTY_NEED, HostState, type ContainerNeed } from '../../src/placement/index.js';

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** An online, idle 4-CPU / 8 GiB host in dc1 unless told otherwise. */
export function host(id: string, over: Partial<HostSnapshot> = {}): HostSnapshot {
  return {
    id,
    address: `10.0.0.${id.replace(/\D/g, '') || '1'}`,
    status: 'online',
    datacenter: 'dc1',
    labels: {},
    resources: { cpus: 4, memory: 8 * GIB },
    load: { cpuPercent: 0, memoryUsed: 0, memoryAvailable: 8 * GIB, containerCount: 0 },
    usedHostPorts: [],
    ...over,
  };
}

export function load(cpuPercent: number, memoryUsedFraction: number, containerCount: number, memory = 8 * GIB) {
  const used = Math.round(memory * memoryUsedFraction);
  return { cpuPercent, memoryUsed: used, memoryAvailable: memory - used, containerCount };
}

export function need(over: Partial<ContainerNeed> = {}): ContainerNeed {
  return { ...EMPTY_NEED, container: 'c', ...over };
}

/** A HostState with `planned` already placed on it by the plan (one reservation per container). */
export function stateOf(
  snapshot: HostSnapshot,
  planned: { containers?: number; cpus?: number; memory?: number; ports?: number[] } = {},
): HostState {
  const state = new HostState(snapshot);
  const n = planned.containers ?? (planned.cpus || planned.memory || planned.ports ? 1 : 0);
  for (let i = 0; i < n; i++) {
    state.reserve(
      need({
        reserveCpus: i === 0 ? (planned.cpus ?? 0) : 0,
        reserveMemory: i === 0 ? (planned.memory ?? 0) : 0,
        ports: i === 0 ? (planned.ports ?? []).map((port) => ({ port, protocol: 'tcp' as const, key: port })) : [],
      }),
    );
  }
  return state;
}

type StackInput = Parameters<typeof stackSpec.parse>[0];

/** A parsed stack: containers given as partial objects (image defaults to busybox). */
export function stack(
  containers: Array<Record<string, unknown> & { name: string }>,
  deployment: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): StackSpec {
  return stackSpec.parse({
    name: 'test',
    deployment,
    containers: containers.map((c) => ({ image: 'busybox:1.36', ...c })),
    ...extra,
  } as StackInput);
}

export function names(n: number, prefix = 'c'): Array<{ name: string }> {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}` }));
}
