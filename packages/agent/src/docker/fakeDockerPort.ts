/**
 * An in-memory Docker engine for unit tests and dry runs. It keeps the engine's observable rules that the
 * executors rely on — unique names, images that must be present or pullable, host ports that only one
 * running container may publish, health that settles after start — and runs the container's command through
 * a tiny interpreter: `echo` lines become logs, `exit N` / `false` / `true` end the container, anything else
 * (sleep, httpd, …) keeps it running. A health probe fails when it runs `false` or `exit N` (N > 0).
 * The contract suite holds it to the same behaviour as a real daemon.
 *
 * Faults for tests: `setUnavailable(true)` makes every call fail as an unreachable engine; `failNext` fails
 * the next call of one operation; `delays` slows operations down.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishedPort } from '@graphium/shared';
import {
  DockerError,
  type ContainerCreateSpec,
  type ContainerStatus,
  type ContainerSummary,
  type ContainerView,
  type DockerPort,
  type EngineInfo,
  type EnsureNetworkResult,
  type HealthOutcome,
  type HealthStatus,
  type ListFilter,
  type WaitForHealthOptions,
} from './port.js';

export interface FakeImage {
  cmd?: string[];
  entrypoint?: string[];
  env?: string[];
}

export type FakeOperation = keyof DockerPort;

export interface FakeDockerOptions {
  /** Images present on the engine, by reference. */
  images?: Record<string, FakeImage>;
  /** Images a pull can fetch. */
  registry?: Record<string, FakeImage>;
  /** Address ports are published on when the spec names none. Default 0.0.0.0. */
  defaultHostIP?: string;
  /** Host ports held by processes outside Docker. */
  occupiedHostPorts?: number[];
  /** How long health stays `starting` after start. Default 20 ms. */
  healthDelayMs?: number;
  /** Per-operation latency, to test timing (leases, shutdown). */
  delays?: Partial<Record<FakeOperation, number>>;
  info?: Partial<EngineInfo>;
}

interface FakeContainer {
  id: string;
  spec: ContainerCreateSpec;
  image: FakeImage;
  status: ContainerStatus;
  exitCode?: number;
  logs: string[];
  ports: PublishedPort[];
  startedAtMs?: number;
  /** Decided at start; reported once the health delay has passed. */
  probeResult?: 'healthy' | 'unhealthy';
}

/** `busybox` and `busybox:latest` are one image, as for Docker. */
export function normalizeReference(reference: string): string {
  if (reference.includes('@')) return reference;
  const lastSlash = reference.lastIndexOf('/');
  return reference.slice(lastSlash + 1).includes(':') ? reference : `${reference}:latest`;
}

function statementsOf(argv: string[]): string[] {
  const script = (argv[0] === 'sh' || argv[0] === '/bin/sh') && argv[1] === '-c' ? argv.slice(2).join(' ') : argv.join(' ');
  return script
    .split(/;|&&|\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** Logs it prints and its exit code, or no exit code when it keeps running. */
export function interpret(argv: string[]): { logs: string[]; exitCode?: number } {
  const logs: string[] = [];
  for (const statement of statementsOf(argv)) {
    const echo = /^echo\s*(.*)$/.exec(statement);
    if (echo) {
      logs.push(echo[1]!.replace(/^(['"])(.*)\1$/, '$2'));
      continue;
    }
    const exit = /^exit\s+(\d+)$/.exec(statement);
    if (exit) return { logs, exitCode: Number(exit[1]) };
    if (statement === 'true') continue;
    if (statement === 'false') return { logs, exitCode: 1 };
    return { logs }; // a server, a sleep: keeps running
  }
  return { logs, exitCode: 0 };
}

function probePasses(test: string[]): boolean {
  const argv = test[0] === 'CMD-SHELL' ? ['sh', '-c', test.slice(1).join(' ')] : test.slice(1);
  const { exitCode } = interpret(argv);
  return exitCode === undefined || exitCode === 0;
}

function overlaps(a: string, b: string): boolean {
  return a === b || a === '0.0.0.0' || b === '0.0.0.0';
}

export class FakeDockerPort implements DockerPort {
  private readonly images = new Map<string, FakeImage>();
  private readonly registry = new Map<string, FakeImage>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly networks = new Map<string, { id: string; labels: Record<string, string> }>();
  private readonly faults = new Map<FakeOperation, DockerError[]>();
  private unavailable = false;
  private nextEphemeralPort = 32768;
  private readonly options: FakeDockerOptions;
  /** Every call, in order: `operation subject`. */
  readonly calls: string[] = [];

  constructor(options: FakeDockerOptions = {}) {
    this.options = options;
    for (const [reference, image] of Object.entries(options.images ?? {})) this.images.set(normalizeReference(reference), image);
    for (const [reference, image] of Object.entries(options.registry ?? {})) this.registry.set(normalizeReference(reference), image);
    for (const name of ['bridge', 'host', 'none']) this.networks.set(name, { id: randomBytes(32).toString('hex'), labels: {} });
  }

  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  failNext(operation: FakeOperation, error: DockerError): void {
    const queue = this.faults.get(operation) ?? [];
    queue.push(error);
    this.faults.set(operation, queue);
  }

  addImage(reference: string, image: FakeImage = {}): void {
    this.images.set(normalizeReference(reference), image);
  }

  private async enter(operation: FakeOperation, subject: string): Promise<void> {
    this.calls.push(`${operation} ${subject}`);
    const delay = this.options.delays?.[operation];
    // Unref: a test that ends while a slow call is pending does not wait for it.
    if (delay !== undefined && delay > 0) await sleep(delay, undefined, { ref: false });
    if (this.unavailable) throw new DockerError('unavailable', `Docker engine unreachable during ${operation} of ${subject}`);
    const fault = this.faults.get(operation)?.shift();
    if (fault !== undefined) throw fault;
  }

  private find(nameOrId: string): FakeContainer | undefined {
    const bare = nameOrId.replace(/^\//, '');
    for (const container of this.containers.values()) {
      if (container.spec.name === bare || container.id === bare || (bare.length >= 12 && container.id.startsWith(bare))) {
        return container;
      }
    }
    return undefined;
  }

  private mustFind(nameOrId: string, operation: string): FakeContainer {
    const container = this.find(nameOrId);
    if (container === undefined) throw new DockerError('not-found', `${operation} container ${nameOrId}: No such container`, { statusCode: 404 });
    return container;
  }

  private healthOf(container: FakeContainer): HealthStatus {
    if (container.spec.healthcheck === undefined || container.probeResult === undefined) return 'none';
    if (container.status !== 'running') return container.probeResult;
    const settled = (container.startedAtMs ?? 0) + (this.options.healthDelayMs ?? 20) <= Date.now();
    return settled ? container.probeResult : 'starting';
  }

  private view(container: FakeContainer): ContainerView {
    const imageEnv = container.image.env ?? ['PATH=/bin'];
    return {
      id: container.id,
      name: container.spec.name,
      image: container.spec.image,
      status: container.status,
      ...(container.exitCode === undefined ? {} : { exitCode: container.exitCode }),
      health: this.healthOf(container),
      labels: { ...container.spec.labels },
      env: [...imageEnv, ...Object.entries(container.spec.env).map(([key, value]) => `${key}=${value}`)],
      ports: container.status === 'running' ? container.ports.map((port) => ({ ...port })) : [],
      mounts: container.spec.mounts.map((mount) => ({ ...mount })),
      healthcheck: container.spec.healthcheck,
      ...(container.probeResult === 'unhealthy' ? { lastProbeOutput: `probe ${JSON.stringify(container.spec.healthcheck?.test)} failed` } : {}),
      networks: [container.spec.networkMode ?? container.spec.network ?? 'bridge'],
      ...(container.status === 'running' ? { startedAt: new Date(container.startedAtMs ?? 0).toISOString() } : {}),
    };
  }

  async info(): Promise<EngineInfo> {
    await this.enter('info', 'engine');
    const running = [...this.containers.values()].filter((c) => c.status === 'running').length;
    return {
      serverVersion: '24.0.0-fake',
      apiVersion: '1.43',
      os: 'Fake Linux',
      osType: 'linux',
      arch: 'x86_64',
      cpus: 4,
      memory: 8 * 1024 ** 3,
      ...this.options.info,
      containersRunning: running,
    };
  }

  async inspectImage(reference: string): Promise<{ id: string } | undefined> {
    await this.enter('inspectImage', reference);
    return this.images.has(normalizeReference(reference)) ? { id: `sha256:${normalizeReference(reference)}` } : undefined;
  }

  async pullImage(reference: string): Promise<void> {
    await this.enter('pullImage', reference);
    const image = this.registry.get(normalizeReference(reference));
    if (image === undefined) {
      throw new DockerError('image-not-found', `pull ${reference}: pull access denied, repository does not exist or no registry reachable`);
    }
    this.images.set(normalizeReference(reference), image);
  }

  async inspectContainer(nameOrId: string): Promise<ContainerView | undefined> {
    await this.enter('inspectContainer', nameOrId);
    const container = this.find(nameOrId);
    return container === undefined ? undefined : this.view(container);
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    await this.enter('createContainer', spec.name);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(spec.name)) throw new DockerError('invalid', `create ${spec.name}: invalid container name`, { statusCode: 400 });
    if (this.find(spec.name) !== undefined) {
      throw new DockerError('conflict', `create container ${spec.name}: the name is already in use`, { statusCode: 409 });
    }
    const image = this.images.get(normalizeReference(spec.image));
    if (image === undefined) throw new DockerError('image-not-found', `create container ${spec.name}: No such image: ${spec.image}`, { statusCode: 404 });
    const network = spec.networkMode ?? spec.network;
    if (network !== undefined && !network.startsWith('container:') && !this.networks.has(network)) {
      throw new DockerError('not-found', `create container ${spec.name}: network ${network} not found`, { statusCode: 404 });
    }
    const id = randomBytes(32).toString('hex');
    this.containers.set(id, { id, spec: structuredClone(spec), image, status: 'created', logs: [], ports: [] });
    return id;
  }

  private publishedByOthers(self: FakeContainer): PublishedPort[] {
    return [...this.containers.values()].filter((c) => c !== self && c.status === 'running').flatMap((c) => c.ports);
  }

  private bindPorts(container: FakeContainer): PublishedPort[] {
    const taken = this.publishedByOthers(container);
    const bound: PublishedPort[] = [];
    for (const port of container.spec.ports) {
      const hostIP = port.hostIP ?? this.options.defaultHostIP ?? '0.0.0.0';
      const hostPort = port.hostPort ?? this.nextEphemeralPort++;
      const clash = [...taken, ...bound].some(
        (p) => p.hostPort === hostPort && p.protocol === port.protocol && overlaps(p.hostIP ?? '0.0.0.0', hostIP),
      );
      if (clash || (this.options.occupiedHostPorts ?? []).includes(hostPort)) {
        throw new DockerError('port-in-use', `start container ${container.spec.name}: Bind for ${hostIP}:${hostPort} failed: port is already allocated`, {
          statusCode: 500,
        });
      }
      bound.push({ containerPort: port.containerPort, hostPort, protocol: port.protocol, hostIP });
    }
    return bound;
  }

  private run(container: FakeContainer): void {
    const argv = container.spec.entrypoint !== undefined
      ? [...container.spec.entrypoint, ...(container.spec.cmd ?? [])]
      : [...(container.image.entrypoint ?? []), ...(container.spec.cmd ?? container.image.cmd ?? ['sh'])];
    if (argv.length === 0) {
      throw new DockerError('invalid', `start container ${container.spec.name}: no command specified`, { statusCode: 400 });
    }
    container.ports = this.bindPorts(container);
    const outcome = interpret(argv);
    container.logs.push(...outcome.logs);
    container.startedAtMs = Date.now();
    delete container.exitCode;
    const check = container.spec.healthcheck;
    if (check !== undefined) container.probeResult = probePasses(check.test) ? 'healthy' : 'unhealthy';
    if (outcome.exitCode === undefined) {
      container.status = 'running';
    } else {
      container.status = 'exited';
      container.exitCode = outcome.exitCode;
      container.ports = [];
    }
  }

  async startContainer(id: string): Promise<void> {
    await this.enter('startContainer', id);
    const container = this.mustFind(id, 'start');
    if (container.status === 'running') return;
    this.run(container);
  }

  private halt(container: FakeContainer): void {
    if (container.status !== 'running') return;
    container.status = 'exited';
    container.exitCode = 137;
    container.ports = [];
  }

  async stopContainer(id: string): Promise<void> {
    await this.enter('stopContainer', id);
    this.halt(this.mustFind(id, 'stop'));
  }

  async restartContainer(id: string): Promise<void> {
    await this.enter('restartContainer', id);
    const container = this.mustFind(id, 'restart');
    this.halt(container);
    this.run(container);
  }

  async removeContainer(id: string): Promise<void> {
    await this.enter('removeContainer', id);
    const container = this.mustFind(id, 'remove');
    this.containers.delete(container.id);
  }

  async listContainers(filter: ListFilter = {}): Promise<ContainerSummary[]> {
    await this.enter('listContainers', JSON.stringify(filter.labels ?? {}));
    const wanted = Object.entries(filter.labels ?? {});
    return [...this.containers.values()]
      .filter((c) => (filter.all ?? true) || c.status === 'running')
      .filter((c) => wanted.every(([key, value]) => (value === true ? key in c.spec.labels : c.spec.labels[key] === value)))
      .map((c) => {
        const view = this.view(c);
        return { id: view.id, name: view.name, image: view.image, status: view.status, labels: view.labels, ports: view.ports };
      });
  }

  async containerLogs(id: string, lines: number): Promise<string[]> {
    await this.enter('containerLogs', id);
    return lines <= 0 ? [] : this.mustFind(id, 'logs').logs.slice(-lines);
  }

  async waitForHealth(id: string, options: WaitForHealthOptions): Promise<HealthOutcome> {
    await this.enter('waitForHealth', id);
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const container = this.find(id);
      if (container === undefined || container.status !== 'running') return 'exited';
      const health = this.healthOf(container);
      if (health === 'none') return 'no-healthcheck';
      if (health === 'healthy' || health === 'unhealthy') return health;
      if (Date.now() >= deadline) return 'timeout';
      options.signal?.throwIfAborted();
      await sleep(5, undefined, { signal: options.signal });
    }
  }

  async ensureNetwork(name: string, labels: Record<string, string>): Promise<EnsureNetworkResult> {
    await this.enter('ensureNetwork', name);
    const existing = this.networks.get(name);
    if (existing !== undefined) return { id: existing.id, created: false };
    const network = { id: randomBytes(32).toString('hex'), labels: { ...labels } };
    this.networks.set(name, network);
    return { id: network.id, created: true };
  }

  async removeNetworkIfUnused(name: string, requiredLabels: Record<string, string> = {}): Promise<boolean> {
    await this.enter('removeNetworkIfUnused', name);
    const network = this.networks.get(name);
    if (network === undefined || ['bridge', 'host', 'none'].includes(name)) return false;
    if (Object.entries(requiredLabels).some(([key, value]) => network.labels[key] !== value)) return false;
    const inUse = [...this.containers.values()].some((c) => (c.spec.networkMode ?? c.spec.network) === name);
    if (inUse) return false;
    this.networks.delete(name);
    return true;
  }

  /** Test helper: names of the networks that exist. */
  networkNames(): string[] {
    return [...this.networks.keys()];
  }
}
