import { z } from 'zod';
import { isoTimestamp, jsonLdDocument } from './jsonld.js';

export const EVENT_TYPES = [
  'stack_deploying',
  'stack_running',
  'stack_degraded',
  'stack_error',
  'stack_stopping',
  'stack_stopped',
  'stack_deleting',
  'stack_deleted',
  'task_created',
  'task_updated',
  'host_registered',
  'host_online',
  'host_offline',
  'host_draining',
  /** Containers of a stack moved off an offline host (DESIGN.md §10); one per failover operation. */
  'stack_failover',
  /** One container moved from an offline host to a healthy one. */
  'container_moved',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Append-only record of what happened, stored in `graphium_events` and streamed live to clients. */
export const deploymentEvent = jsonLdDocument('DeploymentEvent').extend({
  type: z.enum(EVENT_TYPES),
  timestamp: isoTimestamp,
  stackId: z.string().optional(),
  hostId: z.string().optional(),
  taskId: z.string().optional(),
  message: z.string().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type DeploymentEvent = z.infer<typeof deploymentEvent>;
