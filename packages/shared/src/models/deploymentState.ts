import { z } from 'zod';
import { publishedPort, taskError, TASK_PHASES } from './agentTask.js';
import { GRAPHIUM_CONTEXT, isoTimestamp, jsonLdDocument } from './jsonld.js';
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

/**
 * Why a container on an offline host did not move (DESIGN.md §10): `pinned` (locatedInHost, the stack's
 * default host, a hostConstraint targetHost, or a single-host stack anchored by one), `manual` (the manual
 * strategy: the user chose every host), `unplaceable` (no healthy host can take it now; retried), or
 * `dependency` (it waits for a dependency that stays on an offline host and never ran in this generation).
 */
export const STRANDED_REASONS = ['pinned', 'manual', 'unplaceable', 'dependency'] as const;
export type StrandedReason = (typeof STRANDED_REASONS)[number];

export const strandedContainer = z.object({
  /** The offline host it stays on (for `dependency`: the healthy host it waits on). */
  hostId: z.string().min(1),
  reason: z.enum(STRANDED_REASONS),
  /** For `dependency`: the stranded dependency it waits for. */
  dependency: z.string().optional(),
  message: z.string(),
});
export type StrandedContainer = z.infer<typeof strandedContainer>;

export const containerMove = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  /** The stack operation that moved it. */
  operation: z.number().int().min(0),
  at: isoTimestamp,
});
export type ContainerMove = z.infer<typeof containerMove>;

/** A removal queued on the host a container moved away from (an AgentTask with `cleanup: true`). */
export const cleanupRecord = z.object({
  taskId: z.string().min(1),
  container: z.string().min(1),
  hostId: z.string().min(1),
  operation: z.number().int().min(0),
});
export type CleanupRecord = z.infer<typeof cleanupRecord>;

/** What failover did to this generation of the stack, and what it could not do. */
export const failoverState = z.object({
  /** Containers that stay on an offline host, by container name; the stack is degraded while any is listed. */
  stranded: z.record(z.string(), strandedContainer).default({}),
  /** The latest move of each container that moved, by container name. */
  moved: z.record(z.string(), containerMove).default({}),
  /** Removals of left-behind copies that had not finished when last looked at. */
  cleanups: z.array(cleanupRecord).default([]),
  /** The last stack operation failover started (its tasks are rebuilt from this document if lost). */
  operation: z.number().int().min(0).optional(),
});
export type FailoverState = z.infer<typeof failoverState>;

export const DEPLOYMENT_PHASES = ['planning', 'deploying', 'stopping', 'starting', 'deleting', 'settled'] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/**
 * The live state of one generation of a stack: where each container went and how far it got. Stored as
 * `deployment:{stackId}`; its placement explanation is stored apart (PlacementExplanation below), because the
 * stack monitor rewrites this document as tasks report and the explanation would be most of its bytes.
 */
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
  /** Absent until a host this stack runs on went offline. */
  failover: failoverState.optional(),
  dateModified: isoTimestamp,
});
export type DeploymentStateDocument = z.infer<typeof deploymentStateDocument>;

export function deploymentStateIdOf(stackId: string): string {
  return `deployment:${stackId}`;
}

/**
 * Why each container of a stack went where it did (DESIGN.md §6), stored as `explanation:{stackId}` beside
 * the DeploymentState: written when a deploy places the stack and when failover moves containers, never
 * while tasks report. `generation` is the stack generation it explains.
 */
export const placementExplanationDocument = jsonLdDocument('PlacementExplanation').extend({
  stackId: z.string().min(1),
  generation: z.number().int().min(1),
  explanation: planExplanation,
  dateModified: isoTimestamp,
});
export type PlacementExplanationDocument = z.infer<typeof placementExplanationDocument>;

export function placementExplanationIdOf(stackId: string): string {
  return `explanation:${stackId}`;
}

/** The PlacementExplanation document of one generation of a stack (not yet stored: no `_rev`). */
export function placementExplanationOf(
  parts: Pick<PlacementExplanationDocument, 'stackId' | 'generation' | 'explanation' | 'dateModified'>,
): PlacementExplanationDocument {
  return {
    '@context': GRAPHIUM_CONTEXT,
    '@type': 'PlacementExplanation',
    '@id': placementExplanationIdOf(parts.stackId),
    ...parts,
  };
}

/** The deployment as the API shows it: the DeploymentState with its placement explanation. */
export const deploymentView = deploymentStateDocument.extend({ explanation: planExplanation });
export type DeploymentView = z.infer<typeof deploymentView>;
