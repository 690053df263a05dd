import type { StackSpec } from '../models/stackSpec.js';
import { containerPath } from './context.js';
import { jsonPath } from './jsonPath.js';

/** A host a container is bound to before placement runs, and the spec path that bound it. */
export interface Pin {
  host: string;
  specPath: string;
}

/**
 * Every pin that applies to one container, strongest first: its own `host` (locatedInHost), a host
 * constraint naming it, a stack-wide host constraint, the stack's default host.
 */
export function pinsOf(spec: StackSpec, index: number): Pin[] {
  const container = spec.containers[index];
  if (container === undefined) return [];
  const pins: Pin[] = [];
  if (typeof container.host === 'string' && container.host !== '') {
    pins.push({ host: container.host, specPath: containerPath(index, 'host') });
  }
  const constraints = spec.deployment.hostConstraints;
  constraints.forEach((constraint, n) => {
    if (constraint.containerName === container.name && constraint.targetHost !== undefined) {
      pins.push({ host: constraint.targetHost, specPath: jsonPath('deployment', 'hostConstraints', n, 'targetHost') });
    }
  });
  constraints.forEach((constraint, n) => {
    if (constraint.containerName === undefined && constraint.targetHost !== undefined) {
      pins.push({ host: constraint.targetHost, specPath: jsonPath('deployment', 'hostConstraints', n, 'targetHost') });
    }
  });
  if (typeof spec.defaultHost === 'string' && spec.defaultHost !== '') {
    pins.push({ host: spec.defaultHost, specPath: 'defaultHost' });
  }
  return pins;
}

/** The host a container will land on when that is known before placement; the strongest pin wins. */
export function pinnedHostOf(spec: StackSpec, index: number): string | undefined {
  return pinsOf(spec, index)[0]?.host;
}
