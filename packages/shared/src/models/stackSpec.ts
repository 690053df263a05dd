import { z } from 'zod';
import { stringMap } from './jsonld.js';

/**
 * The normalized stack definition. Every input format (JSON-LD, EVE ItemList, compose) is parsed into this
 * one shape before validation, planning or storage, so nothing downstream knows where a stack came from.
 * Durations are seconds, memory is bytes, CPUs are cores (fractions allowed).
 */

export const PROTOCOLS = ['tcp', 'udp'] as const;
export const RESTART_POLICIES = ['no', 'always', 'on-failure', 'unless-stopped'] as const;
export const PLACEMENT_STRATEGIES = ['auto', 'manual', 'spread', 'datacenter'] as const;
export const DEPLOYMENT_MODES = ['single-host', 'multi-host'] as const;
export const NETWORK_MODES = ['host-port', 'overlay'] as const;
export const VOLUME_TYPES = ['volume', 'bind', 'tmpfs'] as const;
export const HEALTH_CHECK_TYPES = ['http', 'tcp', 'exec'] as const;
export const DEPENDENCY_CONDITIONS = ['started', 'healthy'] as const;

export const portSpec = z.object({
  containerPort: z.number().int().min(1).max(65535),
  /** Omitted: Docker picks a free port; the agent reports it after start. */
  hostPort: z.number().int().min(1).max(65535).optional(),
  protocol: z.enum(PROTOCOLS).default('tcp'),
  hostIP: z.string().optional(),
});
export type PortSpec = z.infer<typeof portSpec>;

export const volumeMountSpec = z.object({
  /** Volume name or host path; absent for tmpfs and anonymous volumes. */
  source: z.string().optional(),
  target: z.string().min(1),
  type: z.enum(VOLUME_TYPES).default('volume'),
  readOnly: z.boolean().default(false),
});
export type VolumeMountSpec = z.infer<typeof volumeMountSpec>;

export const healthCheckSpec = z.object({
  type: z.enum(HEALTH_CHECK_TYPES),
  path: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** For `exec`: the argv to run (Docker `CMD`), or with `shell` one command line (Docker `CMD-SHELL`). */
  command: z.array(z.string()).optional(),
  /** `command[0]` is a command line for the container's shell; false runs `command` directly (no shell needed). */
  shell: z.boolean().default(false),
  interval: z.number().positive().default(10),
  timeout: z.number().positive().default(5),
  retries: z.number().int().min(0).default(3),
  startPeriod: z.number().min(0).default(0),
});
export type HealthCheckSpec = z.infer<typeof healthCheckSpec>;

export const resourceAmounts = z.object({
  cpus: z.number().positive().optional(),
  memory: z.number().int().positive().optional(),
});
export const resourcesSpec = z.object({
  limits: resourceAmounts.optional(),
  reservations: resourceAmounts.optional(),
});
export type ResourcesSpec = z.infer<typeof resourcesSpec>;

export const dependencySpec = z.object({
  name: z.string().min(1),
  /** `healthy`: the dependent starts only once this dependency passed its health check. */
  condition: z.enum(DEPENDENCY_CONDITIONS).default('started'),
});
export type DependencySpec = z.infer<typeof dependencySpec>;

export const containerSpec = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  image: z.string().min(1),
  description: z.string().optional(),
  ports: z.array(portSpec).default([]),
  environment: stringMap.default({}),
  volumeMounts: z.array(volumeMountSpec).default([]),
  healthCheck: healthCheckSpec.optional(),
  /** Pinned host id (`locatedInHost`); overrides the stack's default host. */
  host: z.string().optional(),
  dependsOn: z.array(dependencySpec).default([]),
  restartPolicy: z.enum(RESTART_POLICIES).optional(),
  entrypoint: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  user: z.string().optional(),
  labels: stringMap.default({}),
  resources: resourcesSpec.optional(),
  privileged: z.boolean().optional(),
  networkMode: z.string().optional(),
});
export type ContainerSpec = z.infer<typeof containerSpec>;

export const networkSpec = z.object({
  name: z.string().min(1),
  driver: z.string().default('bridge'),
  createIfNotExists: z.boolean().default(true),
  external: z.boolean().default(false),
  subnet: z.string().optional(),
  gateway: z.string().optional(),
  ipRange: z.string().optional(),
  options: stringMap.default({}),
  labels: stringMap.default({}),
});
export type NetworkSpec = z.infer<typeof networkSpec>;

export const volumeSpec = z.object({
  name: z.string().min(1),
  driver: z.string().default('local'),
  labels: stringMap.default({}),
});
export type VolumeSpec = z.infer<typeof volumeSpec>;

export const hostConstraint = z.object({
  containerName: z.string().min(1).optional(),
  targetHost: z.string().min(1).optional(),
  requiredDatacenter: z.string().min(1).optional(),
  minCpu: z.number().positive().optional(),
  /** Bytes. */
  minMemory: z.number().int().positive().optional(),
  labels: stringMap.optional(),
});
export type HostConstraint = z.infer<typeof hostConstraint>;

export const deploymentSpec = z.object({
  mode: z.enum(DEPLOYMENT_MODES).default('multi-host'),
  placementStrategy: z.enum(PLACEMENT_STRATEGIES).default('auto'),
  targetDatacenter: z.string().optional(),
  hostConstraints: z.array(hostConstraint).default([]),
  networkMode: z.enum(NETWORK_MODES).default('host-port'),
});
export type DeploymentSpec = z.infer<typeof deploymentSpec>;

export const STACK_FORMATS = ['jsonld', 'eve', 'compose'] as const;
export type StackFormat = (typeof STACK_FORMATS)[number];

export const stackSpec = z.object({
  /** `@id` from the source file, when it had one. */
  sourceId: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  /** Stack-wide default host (`locatedInHost` on the stack node). */
  defaultHost: z.string().optional(),
  network: networkSpec.optional(),
  volumes: z.array(volumeSpec).default([]),
  deployment: deploymentSpec,
  containers: z.array(containerSpec).min(1),
});
export type StackSpec = z.infer<typeof stackSpec>;
