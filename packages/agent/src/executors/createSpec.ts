/**
 * A deploy payload as the container the engine should create: name, labels, merged environment, ports,
 * mounts, command, limits, network and healthcheck. Pure, so the mapping is tested without an engine.
 *
 * Command: `entrypoint` replaces the image's ENTRYPOINT; `command` then `args` form CMD (either alone
 * replaces the image's CMD). CPU and memory limits are enforced by Docker; a memory reservation becomes a
 * soft limit, a CPU reservation only guides placement (Docker has no such floor).
 */
import { createHash } from 'node:crypto';
import { mergeEnvironment, type AgentTaskDocument, type DeployPayload } from '@graphium/shared';
import type { ContainerCreateSpec } from '../docker/port.js';
import { toDockerHealthcheck } from './healthProbe.js';
import { LABEL } from './labels.js';

/** Order-independent hash of the final environment. */
export function envHashOf(env: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function stackNameOf(task: AgentTaskDocument, payload: DeployPayload): string {
  return payload.labels[LABEL.stack] ?? task.stackId?.replace(/^stack:/, '') ?? '';
}

export function finalEnvironment(payload: DeployPayload): Record<string, string> {
  return mergeEnvironment(payload.containerSpec.environment, payload.injectedEnv);
}

export function managedLabels(task: AgentTaskDocument, payload: DeployPayload, env: Readonly<Record<string, string>>): Record<string, string> {
  return {
    [LABEL.managed]: 'true',
    [LABEL.stack]: stackNameOf(task, payload),
    [LABEL.container]: payload.containerSpec.name,
    [LABEL.task]: task['@id'],
    [LABEL.specHash]: payload.specHash,
    [LABEL.envHash]: envHashOf(env),
  };
}

export function createSpecOf(task: AgentTaskDocument, payload: DeployPayload): ContainerCreateSpec {
  const spec = payload.containerSpec;
  const env = finalEnvironment(payload);
  const cmd = spec.command === undefined && spec.args === undefined ? undefined : [...(spec.command ?? []), ...(spec.args ?? [])];
  const limits = spec.resources?.limits;
  return {
    name: payload.containerName,
    image: spec.image,
    env,
    // Graphium's own labels last: a user label cannot pose as graphium.managed or forge the hash.
    labels: { ...spec.labels, ...payload.labels, ...managedLabels(task, payload, env) },
    entrypoint: spec.entrypoint,
    cmd,
    workingDir: spec.workingDir,
    user: spec.user,
    ports: spec.ports.map((port) => ({ containerPort: port.containerPort, hostPort: port.hostPort, protocol: port.protocol, hostIP: port.hostIP })),
    mounts: spec.volumeMounts.map((mount) => ({ type: mount.type, source: mount.source, target: mount.target, readOnly: mount.readOnly })),
    restartPolicy: spec.restartPolicy,
    memoryLimit: limits?.memory,
    cpuLimit: limits?.cpus,
    memoryReservation: spec.resources?.reservations?.memory,
    healthcheck: toDockerHealthcheck(spec),
    network: spec.networkMode === undefined ? payload.network : undefined,
    networkMode: spec.networkMode,
    privileged: spec.privileged,
  };
}
