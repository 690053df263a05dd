import { z } from 'zod';
import { isoTimestamp, jsonLdDocument, stringMap } from './jsonld.js';

export const HOST_STATUSES = ['online', 'offline', 'draining'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const hostResources = z.object({
  cpus: z.number().positive(),
  /** Bytes. */
  memory: z.number().int().positive(),
});
export type HostResources = z.infer<typeof hostResources>;

/** Live load as measured by the agent and sent with every heartbeat. */
export const hostLoad = z.object({
  cpuPercent: z.number().min(0).max(100),
  memoryUsed: z.number().int().min(0),
  memoryAvailable: z.number().int().min(0),
  containerCount: z.number().int().min(0),
});
export type HostLoad = z.infer<typeof hostLoad>;

export const hostDocument = jsonLdDocument('Host').extend({
  hostId: z.string().min(1),
  /** How other hosts reach ports published on this host. */
  address: z.string().min(1),
  datacenter: z.string().optional(),
  labels: stringMap.default({}),
  resources: hostResources,
  load: hostLoad.optional(),
  dockerVersion: z.string().optional(),
  os: z.string().optional(),
  arch: z.string().optional(),
  status: z.enum(HOST_STATUSES),
  /** Host ports in use on the host (from the agent's inventory), so placement can avoid them. */
  usedHostPorts: z.array(z.number().int().min(1).max(65535)).default([]),
  agentSession: z.string().optional(),
  registeredAt: isoTimestamp,
  lastSeen: isoTimestamp,
});
export type HostDocument = z.infer<typeof hostDocument>;

/**
 * What the placement engine knows of a host: a plain snapshot, no document bookkeeping. The controller
 * builds it from Host documents; tests build it by hand.
 */
export interface HostSnapshot {
  id: string;
  address: string;
  status: HostStatus;
  datacenter?: string | undefined;
  labels: Record<string, string>;
  resources: HostResources;
  load?: HostLoad | undefined;
  usedHostPorts?: readonly number[] | undefined;
}

export function hostSnapshotOf(doc: HostDocument): HostSnapshot {
  return {
    id: doc.hostId,
    address: doc.address,
    status: doc.status,
    datacenter: doc.datacenter,
    labels: doc.labels,
    resources: doc.resources,
    load: doc.load,
    usedHostPorts: doc.usedHostPorts,
  };
}
