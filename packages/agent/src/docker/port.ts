/**
 * The Docker port: the few engine operations the executors need, in Graphium's own terms. Two adapters
 * implement it — dockerode against a real engine and an in-memory fake for unit tests — and one contract
 * suite (test/contract/dockerPortContract.ts) runs against both, so the fake cannot drift from Docker.
 *
 * Every failure is a DockerError with a `kind`; callers branch on the kind, never on Docker's message text
 * (the dockerode adapter is the one place that reads it, because the Engine API has no codes).
 */
import type { PublishedPort } from '@graphium/shared';

export type RestartPolicyName = 'no' | 'always' | 'on-failure' | 'unless-stopped';

export interface PortBinding {
  containerPort: number;
  /** Absent: the engine picks a free host port. */
  hostPort?: number | undefined;
  protocol: 'tcp' | 'udp';
  hostIP?: string | undefined;
}

export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name or host path; absent for tmpfs and anonymous volumes. */
  source?: string | undefined;
  target: string;
  readOnly: boolean;
}

/** A Docker healthcheck, durations in seconds. `test` is `['CMD', …argv]` or `['CMD-SHELL', line]`. */
export interface HealthcheckConfig {
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

export interface ContainerCreateSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  entrypoint?: string[] | undefined;
  cmd?: string[] | undefined;
  workingDir?: string | undefined;
  user?: string | undefined;
  ports: PortBinding[];
  mounts: MountSpec[];
  restartPolicy?: RestartPolicyName | undefined;
  /** Bytes. */
  memoryLimit?: number | undefined;
  /** Cores (fractions allowed). */
  cpuLimit?: number | undefined;
  /** Bytes (soft limit). */
  memoryReservation?: number | undefined;
  healthcheck?: HealthcheckConfig | undefined;
  /** User-defined network to join; absent: the engine's default bridge. */
  network?: string | undefined;
  /** `host`, `none`, `bridge` or `container:<id>`; wins over `network`. */
  networkMode?: string | undefined;
  privileged?: boolean | undefined;
  /** Seconds the engine waits on stop before killing. */
  stopTimeoutSeconds?: number | undefined;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Health as the engine reports it; `none` when the container has no healthcheck. */
export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ContainerView {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  status: ContainerStatus;
  exitCode?: number | undefined;
  health: HealthStatus;
  labels: Record<string, string>;
  /** `KEY=value` entries, the image's environment included. */
  env: string[];
  /** Ports actually published (empty while not running). */
  ports: PublishedPort[];
  mounts: MountSpec[];
  healthcheck?: HealthcheckConfig | undefined;
  /** Output of the latest health probe, when there was one: why a container is unhealthy. */
  lastProbeOutput?: string | undefined;
  networks: string[];
  startedAt?: string | undefined;
}

/** A row of a container listing: enough for inventory and port bookkeeping. */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  status: ContainerStatus;
  labels: Record<string, string>;
  ports: PublishedPort[];
}

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
  os: string;
  osType: string;
  arch: string;
  cpus: number;
  /** Bytes. */
  memory: number;
  containersRunning: number;
}

/** How a wait for health ended. */
export type HealthOutcome = 'healthy' | 'unhealthy' | 'exited' | 'no-healthcheck' | 'timeout';

export interface WaitForHealthOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface ListFilter {
  /** Label key → required value, or `true` for "has the label". */
  labels?: Record<string, string | true> | undefined;
  /** Include stopped containers. Default true. */
  all?: boolean | undefined;
}

export interface EnsureNetworkResult {
  id: string;
  created: boolean;
}

export interface DockerPort {
  info(): Promise<EngineInfo>;
  /** Undefined when the image is not on this engine. */
  inspectImage(reference: string): Promise<{ id: string } | undefined>;
  /** Throws `image-not-found` when the image cannot be pulled here (unknown, or no registry reachable). */
  pullImage(reference: string, signal?: AbortSignal): Promise<void>;
  /** By name or id; undefined when there is no such container. */
  inspectContainer(nameOrId: string): Promise<ContainerView | undefined>;
  /** Returns the new id. Throws `conflict` when the name is taken, `image-not-found` without the image. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  /** Starting a running container is a no-op. Throws `port-in-use` when a host port is taken. */
  startContainer(id: string): Promise<void>;
  /** Stopping a stopped container is a no-op. Throws `not-found` for an unknown container. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Force-removes (and its anonymous volumes). Throws `not-found` for an unknown container. */
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ListFilter): Promise<ContainerSummary[]>;
  /** The last `lines` lines of stdout and stderr, oldest first. */
  containerLogs(id: string, lines: number): Promise<string[]>;
  /** Waits until the container is healthy, unhealthy or gone from running, or the time is up. */
  waitForHealth(id: string, options: WaitForHealthOptions): Promise<HealthOutcome>;
  /** Creates the bridge network when missing (with these labels); idempotent. */
  ensureNetwork(name: string, labels: Record<string, string>): Promise<EnsureNetworkResult>;
  /**
   * Removes the network when no container (running or not) uses it and it carries every one of
   * `requiredLabels` (so the agent never removes a network it did not make); false when it stays.
   */
  removeNetworkIfUnused(name: string, requiredLabels?: Record<string, string>): Promise<boolean>;
}

export const DOCKER_ERROR_KINDS = [
  /** The engine could not be reached or failed internally: worth retrying. */
  'unavailable',
  'not-found',
  'image-not-found',
  /** A name already taken. */
  'conflict',
  'port-in-use',
  /** The engine refused the request as malformed (bad reference, bad option). */
  'invalid',
] as const;
export type DockerErrorKind = (typeof DOCKER_ERROR_KINDS)[number];

export class DockerError extends Error {
  readonly kind: DockerErrorKind;
  readonly statusCode: number | undefined;

  constructor(kind: DockerErrorKind, message: string, options: { cause?: unknown; statusCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DockerError';
    this.kind = kind;
    this.statusCode = options.statusCode;
  }
}

export function isDockerError(value: unknown, kind?: DockerErrorKind): value is DockerError {
  return value instanceof DockerError && (kind === undefined || value.kind === kind);
}
