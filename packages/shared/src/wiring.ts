/**
 * Cross-host wiring in host-port mode (DESIGN.md §7): a container reaches each dependency through
 * `hostAddress:hostPort`, handed to it as `{NAME}_HOST`, `{NAME}_PORT` and `{NAME}_ENDPOINT`. Explicit
 * environment always wins. When a dependency publishes a port Docker picks at start, its values cannot be
 * known at plan time: they are recorded as pending and filled in when the dependent task is claimed.
 */
import type { PublishedPort } from './models/agentTask.js';
import type { ContainerSpec } from './models/stackSpec.js';

/** `redis-cache.v2` → `REDIS_CACHE_V2`. */
export function envPrefix(containerName: string): string {
  return containerName.toUpperCase().replace(/[-.]/g, '_');
}

export function endpointEnv(containerName: string, host: string, port?: number): Record<string, string> {
  const prefix = envPrefix(containerName);
  if (port === undefined) return { [`${prefix}_HOST`]: host };
  return {
    [`${prefix}_HOST`]: host,
    [`${prefix}_PORT`]: String(port),
    [`${prefix}_ENDPOINT`]: `${host}:${port}`,
  };
}

/** Injected values never override what the user wrote. */
export function mergeEnvironment(
  explicit: Readonly<Record<string, string>>,
  injected: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...injected, ...explicit };
}

export interface PendingEndpoint {
  container: string;
  containerPort: number;
}

export interface Wiring {
  /** Values known at plan time. The agent merges them under the container's explicit environment. */
  injected: Record<string, string>;
  /** Env prefix → dependency whose published port is only known after it started. */
  pending: Record<string, PendingEndpoint>;
}

/**
 * The environment a container gets from its dependencies' placements. `hostAddressOf` answers where a
 * dependency was placed; the dependency's first declared port is the one it is reached on.
 */
export function wireDependencies(
  container: ContainerSpec,
  containersByName: ReadonlyMap<string, ContainerSpec>,
  hostAddressOf: (containerName: string) => string | undefined,
): Wiring {
  const injected: Record<string, string> = {};
  const pending: Record<string, PendingEndpoint> = {};
  for (const dependency of container.dependsOn) {
    const target = containersByName.get(dependency.name);
    const host = hostAddressOf(dependency.name);
    if (target === undefined || host === undefined) continue;
    const port = target.ports[0];
    const prefix = envPrefix(dependency.name);
    const explicitEndpoint = container.environment[`${prefix}_ENDPOINT`] !== undefined;
    if (port !== undefined && port.hostPort === undefined && !explicitEndpoint) {
      pending[prefix] = { container: dependency.name, containerPort: port.containerPort };
      Object.assign(injected, endpointEnv(dependency.name, host));
    } else {
      Object.assign(injected, endpointEnv(dependency.name, host, port?.hostPort));
    }
  }
  return { injected, pending };
}

export interface ResolvedDependency {
  hostAddress: string;
  ports: readonly PublishedPort[];
}

/**
 * Fills in pending endpoints at claim time from the dependencies' reported results. A dependency that
 * has not reported its port yet is listed in `unresolved`, so the caller can keep the task waiting.
 */
export function resolvePendingEndpoints(
  pending: Readonly<Record<string, PendingEndpoint>>,
  resolve: (containerName: string) => ResolvedDependency | undefined,
): { injected: Record<string, string>; unresolved: string[] } {
  const injected: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const endpoint of Object.values(pending)) {
    const dependency = resolve(endpoint.container);
    const published = dependency?.ports.find((p) => p.containerPort === endpoint.containerPort);
    if (dependency === undefined || published === undefined) {
      unresolved.push(endpoint.container);
      continue;
    }
    Object.assign(injected, endpointEnv(endpoint.container, dependency.hostAddress, published.hostPort));
  }
  return { injected, unresolved };
}
