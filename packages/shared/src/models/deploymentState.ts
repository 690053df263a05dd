import { z } from 'zod';
import { publishedPort, taskError, TASK_PHASES } from './agentTask.js';
import { isoTimestamp, jsonLdDocument } from './jsonld.js';
import { planExplanation } from './placement.js';
import { PLACEMENT_STRATEGIES } from './stackSpec.js';
import { STACK_STATUSES } from './stack.js';

/** What one container of a stack is doing, as the operator sees it. */
export const CONTAINER_STATUSES = [
  'pending',
  ...TASK_PHASES,
  'running',
  'healthy',
  'stopped',
  'removed',
  'failed',
] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export const containerPlacement = z.object({
  hostId: z.string().min(1),
  hostAddress: z.string().min(1),
  containerId: z.string().optional(),
  ports: z.array(publishedPort).default([]),
  status: z.enum(CONTAINER_STATUSES),
  taskId: z.string().optional(),
  startedAt: isoTimestamp.optional(),
  error: taskError.optional(),
});
export type ContainerPlacement = z.infer<typeof containerPlacement>;

export const DEPLOYMENT_PHASES = ['planning', 'deploying', 'stopping', 'starting', 'deleting', 'settled'] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/** The live state of one generation of a stack: where each container went and how far it got. */
export const deploymentStateDocument = jsonLdDocument('DeploymentState').extend({
  stackId: z.string().min(1),
  generation: z.number().int().min(1),
  status: z.enum(STACK_STATUSES),
  phase: z.enum(DEPLOYMENT_PHASES),
  progress: z.number().min(0).max(100),
  strategy: z.enum(PLACEMENT_STRATEGIES),
  seed: z.number().int(),
  /** Keyed by container name. */
  placements: z.record(z.string(), containerPlacement),
  explanation: planExplanation,
  dateModified: isoTimestamp,
});
export type DeploymentStateDocument = z.infer<typeof deploymentStateDocument>;

export function deploymentStateIdOf(stackId: string): string {
  return `deployment:${stackId}`;
}
