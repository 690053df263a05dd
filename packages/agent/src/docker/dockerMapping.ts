/**
 * Translation between the port's shapes and the Engine API's (as dockerode passes them through). Kept apart
 * from the adapter so the mapping can be read, and tested, without a daemon.
 */
import type { PublishedPort } from '@graphium/shared';
import type Dockerode from 'dockerode';
import type {
  ContainerCreateSpec,
  ContainerStatus,
  ContainerSummary,
  ContainerView,
  HealthcheckConfig,
  HealthStatus,
  MountSpec,
} from './port.js';

const NS_PER_SECOND = 1e9;
const nanos = (seconds: number): number => Math.round(seconds * NS_PER_SECOND);

function portKey(port: { containerPort: number; protocol: string }): string {
  return `${port.containerPort}/${port.protocol}`;
}

export function toCreateOptions(spec: ContainerCreateSpec): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
  for (const port of spec.ports) {
    const key = portKey(port);
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostPort: port.hostPort === undefined ? '' : String(port.hostPort),
      ...(port.hostIP === undefined ? {} : { HostIp: port.hostIP }),
    });
  }
  const mounts: Dockerode.MountConfig = spec.mounts.map((mount) => ({
    Type: mount.type,
    Target: mount.target,
    ReadOnly: mount.readOnly,
    // Empty for tmpfs and anonymous volumes, as the Engine API accepts.
    Source: mount.source ?? '',
  }));
  const networkMode = spec.networkMode ?? spec.network;
  const hostConfig: Dockerode.HostConfig = {
    PortBindings: bindings,
    Mounts: mounts,
    ...(spec.restartPolicy === undefined ? {} : { RestartPolicy: { Name: spec.restartPolicy === 'no' ? '' : spec.restartPolicy } }),
    ...(spec.memoryLimit === undefined ? {} : { Memory: spec.memoryLimit }),
    ...(spec.memoryReservation === undefined ? {} : { MemoryReservation: spec.memoryReservation }),
    ...(spec.cpuLimit === undefined ? {} : { NanoCpus: Math.round(spec.cpuLimit * 1e9) }),
    ...(spec.privileged === undefined ? {} : { Privileged: spec.privileged }),
    ...(networkMode === undefined ? {} : { NetworkMode: networkMode }),
  };
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: spec.labels,
    ExposedPorts: exposed,
    HostConfig: hostConfig,
    ...(spec.entrypoint === undefined ? {} : { Entrypoint: spec.entrypoint }),
    ...(spec.cmd === undefined ? {} : { Cmd: spec.cmd }),
    ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
    ...(spec.user === undefined ? {} : { User: spec.user }),
    ...(spec.stopTimeoutSeconds === undefined ? {} : { StopTimeout: spec.stopTimeoutSeconds }),
    ...(spec.healthcheck === undefined ? {} : { Healthcheck: toHealthcheck(spec.healthcheck) }),
    ...(spec.network !== undefined && spec.networkMode === undefined
      ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } } }
      : {}),
  };
}

function toHealthcheck(check: HealthcheckConfig): Dockerode.HealthConfig {
  return {
    Test: check.test,
    Interval: nanos(check.intervalSeconds),
    Timeout: nanos(check.timeoutSeconds),
    Retries: check.retries,
    StartPeriod: nanos(check.startPeriodSeconds),
  };
}

function fromHealthcheck(raw: Dockerode.HealthConfig | undefined): HealthcheckConfig | undefined {
  const test = raw?.Test;
  if (raw === undefined || test === undefined || test.length === 0 || test[0] === 'NONE') return undefined;
  // The engine's defaults where the image or spec left a value at 0.
  return {
    test,
    intervalSeconds: (raw.Interval ?? 0) > 0 ? raw.Interval! / NS_PER_SECOND : 30,
    timeoutSeconds: (raw.Timeout ?? 0) > 0 ? raw.Timeout! / NS_PER_SECOND : 30,
    retries: (raw.Retries ?? 0) > 0 ? raw.Retries! : 3,
    startPeriodSeconds: (raw.StartPeriod ?? 0) / NS_PER_SECOND,
  };
}

type RawBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;

/** Published ports from `NetworkSettings.Ports`, one per container port, host port and protocol. */
export function publishedPortsOf(raw: RawBindings | null | undefined): PublishedPort[] {
  const seen = new Map<string, PublishedPort>();
  for (const [key, bindings] of Object.entries(raw ?? {})) {
    const [port, protocol] = key.split('/');
    for (const binding of bindings ?? []) {
      const hostPort = Number(binding.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      const entry: PublishedPort = {
        containerPort: Number(port),
        hostPort,
        protocol: protocol === 'udp' ? 'udp' : 'tcp',
        ...(binding.HostIp === undefined || binding.HostIp === '' ? {} : { hostIP: binding.HostIp }),
      };
      // Docker lists 0.0.0.0 and :: separately for one mapping: keep the first.
      const id = `${entry.containerPort}/${entry.protocol}:${entry.hostPort}`;
      if (!seen.has(id)) seen.set(id, entry);
    }
  }
  return [...seen.values()].sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort);
}

function healthOf(raw: Dockerode.ContainerInspectInfo): HealthStatus {
  const status = (raw.State as { Health?: { Status?: string } }).Health?.Status;
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none';
}

function probeOutputOf(raw: Dockerode.ContainerInspectInfo): { lastProbeOutput?: string } {
  const log = (raw.State as { Health?: { Log?: Array<{ Output?: string }> } }).Health?.Log ?? [];
  const output = log[log.length - 1]?.Output?.trim();
  return output === undefined || output === '' ? {} : { lastProbeOutput: output };
}

function mountsOf(raw: Dockerode.ContainerInspectInfo): MountSpec[] {
  return (raw.Mounts ?? []).map((mount) => {
    const type = mount.Type === 'bind' || mount.Type === 'tmpfs' ? mount.Type : 'volume';
    const source = type === 'volume' ? mount.Name : type === 'bind' ? mount.Source : undefined;
    return { type, target: mount.Destination, readOnly: mount.RW === false, ...(source ? { source } : {}) };
  });
}

export function fromInspect(raw: Dockerode.ContainerInspectInfo): ContainerView {
  const status = raw.State.Status as ContainerStatus;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    image: raw.Config.Image,
    status,
    ...(status === 'exited' || status === 'dead' ? { exitCode: raw.State.ExitCode } : {}),
    health: healthOf(raw),
    labels: raw.Config.Labels ?? {},
    env: raw.Config.Env ?? [],
    ports: publishedPortsOf(raw.NetworkSettings.Ports as RawBindings),
    mounts: mountsOf(raw),
    healthcheck: fromHealthcheck(raw.Config.Healthcheck),
    ...probeOutputOf(raw),
    networks: Object.keys(raw.NetworkSettings.Networks ?? {}),
    ...(status === 'running' ? { startedAt: raw.State.StartedAt } : {}),
  };
}

export function fromSummary(raw: Dockerode.ContainerInfo): ContainerSummary {
  const ports = new Map<string, PublishedPort>();
  for (const port of raw.Ports ?? []) {
    if (port.PublicPort === undefined || port.PublicPort === 0) continue;
    const entry: PublishedPort = {
      containerPort: port.PrivatePort,
      hostPort: port.PublicPort,
      protocol: port.Type === 'udp' ? 'udp' : 'tcp',
      ...(port.IP === undefined || port.IP === '' ? {} : { hostIP: port.IP }),
    };
    const id = `${entry.containerPort}/${entry.protocol}:${entry.hostPort}`;
    if (!ports.has(id)) ports.set(id, entry);
  }
  return {
    id: raw.Id,
    name: (raw.Names[0] ?? '').replace(/^\//, ''),
    image: raw.Image,
    status: raw.State as ContainerStatus,
    labels: raw.Labels ?? {},
    ports: [...ports.values()],
  };
}
