import type { ContainerSpec, StackSpec } from '../../src/models/stackSpec.js';

/** A valid container with the spec's defaults, overridden by `fields`. */
export function container(name: string, fields: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image: 'busybox:1.36', ports: [], environment: {}, volumeMounts: [], dependsOn: [], labels: {}, ...fields };
}

/** A valid stack of the given containers, overridden by `fields`. */
export function stack(containers: ContainerSpec[], fields: Partial<StackSpec> = {}): StackSpec {
  return {
    name: 'test',
    volumes: [],
    deployment: { mode: 'multi-host', placementStrategy: 'auto', networkMode: 'host-port', hostConstraints: [] },
    containers,
    ...fields,
  };
}

export function dependsOn(...names: string[]): ContainerSpec['dependsOn'] {
  return names.map((name) => ({ name, condition: 'started' as const }));
}
