/**
 * Registration facts. CPUs and memory come from the engine (right even for a remote engine); the address
 * other hosts use to reach published ports is the configured one, else this machine's first non-internal
 * IPv4 address.
 */
import { networkInterfaces } from 'node:os';
import type { RegisterAgentRequest } from '@graphium/shared';
import type { EngineInfo } from '../docker/port.js';

export function detectAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

export interface HostIdentity {
  address: string;
  datacenter?: string | undefined;
  labels: Record<string, string>;
  agentVersion: string;
}

export function registrationOf(identity: HostIdentity, engine: EngineInfo): RegisterAgentRequest {
  return {
    address: identity.address,
    ...(identity.datacenter === undefined ? {} : { datacenter: identity.datacenter }),
    labels: identity.labels,
    resources: { cpus: engine.cpus, memory: engine.memory },
    dockerVersion: engine.serverVersion,
    os: engine.os,
    arch: engine.arch,
    agentVersion: identity.agentVersion,
  };
}
