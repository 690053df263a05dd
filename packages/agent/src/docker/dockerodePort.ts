/**
 * The Docker port on a real engine, through dockerode. Connection: `unix:///path` (the local socket) or
 * `tcp://host:port`, with TLS when CA/cert/key files are given (a remote engine; the agent still only
 * connects outwards).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import './deferOptionalModules.js';
import Dockerode from 'dockerode';
import { fromInspect, fromSummary, toCreateOptions } from './dockerMapping.js';
import { statusCodeOf, toDockerError, type DockerOperation } from './dockerErrors.js';
import { demuxLogs, lastLines } from './logStream.js';
import {
  DockerError,
  type ContainerCreateSpec,
  type ContainerSummary,
  type ContainerView,
  type DockerPort,
  type EngineInfo,
  type EnsureNetworkResult,
  type HealthOutcome,
  type ListFilter,
  type WaitForHealthOptions,
} from './port.js';

export interface DockerConnection {
  /** `unix:///var/run/docker.sock` or `tcp://host:2376`. */
  dockerHost: string;
  tlsCa?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

export function dockerodeOptions(connection: DockerConnection): Dockerode.DockerOptions {
  const url = new URL(connection.dockerHost);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DockerError('invalid', `unsupported Docker host ${connection.dockerHost}: use unix:// or tcp://`);
  }
  const tls = connection.tlsCa !== undefined || connection.tlsCert !== undefined || url.protocol === 'https:';
  return {
    host: url.hostname,
    port: url.port === '' ? (tls ? 2376 : 2375) : Number(url.port),
    protocol: tls ? 'https' : 'http',
    ...(connection.tlsCa === undefined ? {} : { ca: readFileSync(connection.tlsCa) }),
    ...(connection.tlsCert === undefined ? {} : { cert: readFileSync(connection.tlsCert) }),
    ...(connection.tlsKey === undefined ? {} : { key: readFileSync(connection.tlsKey) }),
  };
}

interface NetworkInfo {
  Id: string;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown> | null;
}

/** Health is polled: cheap on a local socket, and simpler to bound than the events stream. */
const HEALTH_POLL_MS = 200;

export class DockerodePort implements DockerPort {
  private readonly docker: Dockerode;
  /** One network creation per name at a time: Docker allows two networks with one name. */
  private readonly networkCreations = new Map<string, Promise<EnsureNetworkResult>>();

  constructor(connection: DockerConnection | Dockerode) {
    this.docker = connection instanceof Dockerode ? connection : new Dockerode(dockerodeOptions(connection));
  }

  private async call<T>(operation: DockerOperation, subject: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDockerError(error, operation, subject);
    }
  }

  async info(): Promise<EngineInfo> {
    return this.call('info', 'engine', async () => {
      const [info, version] = await Promise.all([this.docker.info(), this.docker.version()]);
      return {
        serverVersion: String(info.ServerVersion ?? version.Version),
        apiVersion: version.ApiVersion,
        os: String(info.OperatingSystem ?? version.Os),
        osType: String(info.OSType ?? version.Os),
        arch: String(info.Architecture ?? version.Arch),
        cpus: Number(info.NCPU),
        memory: Number(info.MemTotal),
        containersRunning: Number(info.ContainersRunning ?? 0),
      };
    });
  }

  async inspectImage(reference: string): Promise<{ id: string } | undefined> {
    try {
      const image = await this.docker.getImage(reference).inspect();
      return { id: image.Id };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw toDockerError(error, 'inspect', `image ${reference}`);
    }
  }

  async pullImage(reference: string, signal?: AbortSignal): Promise<void> {
    await this.call('pull', reference, async () => {
      const stream = (await this.docker.pull(reference, { abortSignal: signal })) as NodeJS.ReadableStream;
      const events = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) =>
          error ? reject(error) : resolve(output as Array<{ error?: string }>),
        );
      });
      // A pull that fails halfway reports the error inside the stream, with HTTP 200.
      const failure = events.find((event) => event.error !== undefined);
      if (failure !== undefined) {
        throw new DockerError('image-not-found', `pull ${reference}: ${failure.errorDetail?.message ?? failure.error}`);
      }
    });
  }

  async inspectContainer(nameOrId: string): Promise<ContainerView | undefined> {
    try {
      return fromInspect(await this.docker.getContainer(nameOrId).inspect());
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw toDockerError(error, 'inspect', `container ${nameOrId}`);
    }
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    return this.call('create', `container ${spec.name}`, async () => {
      const container = await this.docker.createContainer(toCreateOptions(spec));
      return container.id;
    });
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (statusCodeOf(error) === 304) return; // already running
      throw toDockerError(error, 'start', `container ${id}`);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      if (statusCodeOf(error) === 304) return; // already stopped
      throw toDockerError(error, 'stop', `container ${id}`);
    }
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.call('restart', `container ${id}`, () => this.docker.getContainer(id).restart({ t: timeoutSeconds }));
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      const status = statusCodeOf(error);
      // 409 "removal already in progress": someone else is doing what we asked for.
      if (status === 409) return;
      throw toDockerError(error, 'remove', `container ${id}`);
    }
  }

  async listContainers(filter: ListFilter = {}): Promise<ContainerSummary[]> {
    const labels = Object.entries(filter.labels ?? {}).map(([key, value]) => (value === true ? key : `${key}=${value}`));
    return this.call('list', 'containers', async () => {
      const rows = await this.docker.listContainers({
        all: filter.all ?? true,
        ...(labels.length === 0 ? {} : { filters: JSON.stringify({ label: labels }) }),
      });
      return rows.map(fromSummary);
    });
  }

  async containerLogs(id: string, lines: number): Promise<string[]> {
    return this.call('logs', `container ${id}`, async () => {
      const output = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown;
      const buffer = Buffer.isBuffer(output) ? output : Buffer.from(String(output));
      return lastLines(demuxLogs(buffer), lines);
    });
  }

  async waitForHealth(id: string, options: WaitForHealthOptions): Promise<HealthOutcome> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const view = await this.inspectContainer(id);
      if (view === undefined || view.status !== 'running') return 'exited';
      if (view.health === 'none') return 'no-healthcheck';
      if (view.health === 'healthy' || view.health === 'unhealthy') return view.health;
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      options.signal?.throwIfAborted();
      await sleep(Math.min(HEALTH_POLL_MS, left), undefined, { signal: options.signal });
    }
  }

  ensureNetwork(name: string, labels: Record<string, string>): Promise<EnsureNetworkResult> {
    const pending = this.networkCreations.get(name);
    if (pending !== undefined) return pending.then((result) => ({ ...result, created: false }));
    const creation = this.createNetworkIfMissing(name, labels).finally(() => this.networkCreations.delete(name));
    this.networkCreations.set(name, creation);
    return creation;
  }

  private async createNetworkIfMissing(name: string, labels: Record<string, string>): Promise<EnsureNetworkResult> {
    const existing = await this.inspectNetwork(name);
    if (existing !== undefined) return { id: existing.Id, created: false };
    try {
      const network = await this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
      return { id: network.id, created: true };
    } catch (error) {
      // Another agent process (or a person) created it meanwhile.
      const raced = statusCodeOf(error) === 409 ? await this.inspectNetwork(name) : undefined;
      if (raced !== undefined) return { id: raced.Id, created: false };
      throw toDockerError(error, 'network', `network ${name}`);
    }
  }

  private async inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    try {
      return (await this.docker.getNetwork(name).inspect()) as NetworkInfo;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw toDockerError(error, 'network', `network ${name}`);
    }
  }

  async removeNetworkIfUnused(name: string, requiredLabels: Record<string, string> = {}): Promise<boolean> {
    const network = await this.inspectNetwork(name);
    if (network === undefined || Object.keys(network.Containers ?? {}).length > 0) return false;
    const labels = network.Labels ?? {};
    if (Object.entries(requiredLabels).some(([key, value]) => labels[key] !== value)) return false;
    // The network lists running members only: a stopped container would lose its network on restart.
    const members = await this.call('list', `members of network ${name}`, () =>
      this.docker.listContainers({ all: true, filters: JSON.stringify({ network: [name] }) }),
    );
    if (members.length > 0) return false;
    try {
      await this.docker.getNetwork(name).remove();
      return true;
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 404 || status === 403 || status === 409) return false; // gone, or joined meanwhile
      throw toDockerError(error, 'network', `network ${name}`);
    }
  }
}
