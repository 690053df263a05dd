import type { HostConstraint, StackSpec, ContainerSpec } from '../models/stackSpec.js';

/**
 * What one container asks of a host, gathered once from the container spec, the stack and the hostConstraints
 * that apply to it (those naming the container and those naming no container). Checkers and rankers read
 * only this, never the raw spec, so each rule is written once. Several constraints combine with AND.
 */

/** Where a pin came from, so a refusal can name it ("pinned by locatedInHost"). */
export type PinSource = 'locatedInHost' | 'defaultHost' | 'hostConstraint';

export interface Pin {
  hostId: string;
  source: PinSource;
}

export type DatacenterSource = 'requiredDatacenter' | 'strategy';

export interface DatacenterRule {
  name: string;
  source: DatacenterSource;
}

export interface PortNeed {
  port: number;
  protocol: 'tcp' | 'udp';
  /** port for tcp, port + 65536 for udp: one number per (port, protocol) for fast set lookups. */
  key: number;
}

export interface ContainerNeed {
  container: string;
  /** Every pin must name the host (two different pins make the container unplaceable). */
  pins: readonly Pin[];
  datacenters: readonly DatacenterRule[];
  /** Required host labels, key=value, all must match. */
  labels: readonly (readonly [string, string])[];
  /** Free CPUs the host must have: max(minCpu, reservations.cpus); 0 = no requirement. */
  cpus: number;
  /** Free memory (bytes) the host must have: max(minMemory, reservations.memory). */
  memory: number;
  /** What placing the container takes from the host for the rest of the plan (its reservations). */
  reserveCpus: number;
  reserveMemory: number;
  ports: readonly PortNeed[];
  dependsOn: readonly string[];
  /** A pin or a hostConstraint narrows its hosts: the manual strategy requires one. */
  constrained: boolean;
}

/** A need with no demands; host-only rankers are evaluated with it. */
export const EMPTY_NEED: ContainerNeed = Object.freeze({
  container: '',
  pins: [],
  datacenters: [],
  labels: [],
  cpus: 0,
  memory: 0,
  reserveCpus: 0,
  reserveMemory: 0,
  ports: [],
  dependsOn: [],
  constrained: false,
});

export function portKey(port: number, protocol: 'tcp' | 'udp'): number {
  return protocol === 'udp' ? port + 65536 : port;
}

export interface NeedOptions {
  /** The datacenter the datacenter strategy chose for the whole stack. */
  strategyDatacenter?: string | undefined;
}

/**
 * hostConstraints by the container they name; those naming none apply to every container. Built once per
 * plan: a large stack may carry a constraint per container, and filtering the list per container is quadratic.
 */
export function constraintsByContainer(stack: StackSpec): (containerName: string) => readonly HostConstraint[] {
  const general: HostConstraint[] = [];
  const named = new Map<string, HostConstraint[]>();
  for (const c of stack.deployment.hostConstraints) {
    if (c.containerName === undefined) general.push(c);
    else named.set(c.containerName, [...(named.get(c.containerName) ?? []), c]);
  }
  return (containerName) => {
    const own = named.get(containerName);
    return own === undefined ? general : [...general, ...own];
  };
}

export function needOf(
  container: ContainerSpec,
  stack: StackSpec,
  options: NeedOptions = {},
  constraints: readonly HostConstraint[] = constraintsByContainer(stack)(container.name),
): ContainerNeed {
  const pins: Pin[] = [];
  const addPin = (hostId: string, source: PinSource) => {
    if (!pins.some((p) => p.hostId === hostId)) pins.push({ hostId, source });
  };
  if (container.host !== undefined) addPin(container.host, 'locatedInHost');
  // The stack's default host yields to anything that names a host for this container; a container's own
  // locatedInHost and a hostConstraint targetHost do not yield to each other (both pin: a conflict fails).
  const targeted = container.host !== undefined || constraints.some((c) => c.targetHost !== undefined);
  if (!targeted && stack.defaultHost !== undefined) addPin(stack.defaultHost, 'defaultHost');

  const datacenters: DatacenterRule[] = [];
  const addDatacenter = (name: string, source: DatacenterSource) => {
    if (!datacenters.some((d) => d.name === name)) datacenters.push({ name, source });
  };
  const labels = new Map<string, string[]>();
  let minCpu = 0;
  let minMemory = 0;
  for (const c of constraints) {
    if (c.targetHost !== undefined) addPin(c.targetHost, 'hostConstraint');
    if (c.requiredDatacenter !== undefined) addDatacenter(c.requiredDatacenter, 'requiredDatacenter');
    if (c.minCpu !== undefined) minCpu = Math.max(minCpu, c.minCpu);
    if (c.minMemory !== undefined) minMemory = Math.max(minMemory, c.minMemory);
    for (const [key, value] of Object.entries(c.labels ?? {})) {
      const values = labels.get(key) ?? [];
      if (!values.includes(value)) values.push(value);
      labels.set(key, values);
    }
  }
  if (options.strategyDatacenter !== undefined) addDatacenter(options.strategyDatacenter, 'strategy');

  const reservations = container.resources?.reservations;
  const reserveCpus = reservations?.cpus ?? 0;
  const reserveMemory = reservations?.memory ?? 0;
  const ports: PortNeed[] = [];
  for (const p of container.ports) {
    if (p.hostPort === undefined) continue; // Docker picks a free port: nothing to check
    const key = portKey(p.hostPort, p.protocol);
    if (!ports.some((q) => q.key === key)) ports.push({ port: p.hostPort, protocol: p.protocol, key });
  }
  return {
    container: container.name,
    pins,
    datacenters,
    // Conflicting values for one key stay as two requirements: no host can meet both, and the refusal says so.
    labels: [...labels.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([key, values]) => values.map((value) => [key, value] as const)),
    cpus: Math.max(minCpu, reserveCpus),
    memory: Math.max(minMemory, reserveMemory),
    reserveCpus,
    reserveMemory,
    ports,
    dependsOn: container.dependsOn.map((d) => d.name),
    constrained: pins.length > 0 || datacenters.length > 0 || labels.size > 0 || minCpu > 0 || minMemory > 0,
  };
}
