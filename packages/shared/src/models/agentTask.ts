import { z } from 'zod';
import { TASK_ERROR_CODES } from '../errors.js';
import { isoTimestamp, jsonLdDocument, stringMap } from './jsonld.js';
import { containerSpec } from './stackSpec.js';

export const TASK_TYPES = ['deploy', 'stop', 'start', 'restart', 'remove'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['pending', 'claimed', 'running', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses a task never leaves on its own. */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.includes(status);
}

/** Higher runs first: tearing down beats building up, so a delete is never stuck behind deploys. */
export const TASK_PRIORITY: Record<TaskType, number> = {
  deploy: 5,
  start: 5,
  restart: 5,
  stop: 6,
  remove: 7,
};

export const PULL_POLICIES = ['always', 'if-not-present', 'never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_TASK_TIMEOUT_SECONDS = 300;
export const LEASE_SECONDS = 60;

/** A dependency's endpoint, resolved at claim time when its host port was only known after it started. */
export const endpointBinding = z.object({
  /** Name of the dependency container. */
  container: z.string().min(1),
  /** Its container port whose published host port is wanted. */
  containerPort: z.number().int().min(1).max(65535),
  /** Where the dependency was placed. */
  hostAddress: z.string().min(1),
  /** The dependency's deploy task, whose result carries the published port. */
  taskId: z.string().min(1),
});

export const deployPayload = z.object({
  kind: z.literal('deploy'),
  /** Docker container name: `{stack}-{container}`. */
  containerName: z.string().min(1),
  containerSpec,
  pullPolicy: z.enum(PULL_POLICIES).default('if-not-present'),
  labels: stringMap.default({}),
  /** Stack network to join (created on the host when missing). */
  network: z.string().optional(),
  /** Dependency endpoints known at plan time; the container's explicit environment wins over them. */
  injectedEnv: stringMap.default({}),
  /** Env values to fill in when the task is claimed: env name prefix → dependency endpoint. */
  pendingEndpoints: z.record(z.string(), endpointBinding).default({}),
  /** Spec hash the agent labels the container with; equal hash = same container, adopt it. */
  specHash: z.string().min(1),
});
export type DeployPayload = z.infer<typeof deployPayload>;

export const targetPayload = z.object({
  kind: z.literal('target'),
  containerName: z.string().min(1),
  /** Seconds to wait for a graceful stop before killing. */
  stopTimeoutSeconds: z.number().int().min(0).default(10),
});
export type TargetPayload = z.infer<typeof targetPayload>;

export const taskPayload = z.discriminatedUnion('kind', [deployPayload, targetPayload]);
export type TaskPayload = z.infer<typeof taskPayload>;

export const lease = z.object({
  token: z.string().min(1),
  agentSession: z.string().min(1),
  expiresAt: isoTimestamp,
});
export type Lease = z.infer<typeof lease>;

export const publishedPort = z.object({
  containerPort: z.number().int().min(1).max(65535),
  hostPort: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']),
  hostIP: z.string().optional(),
});
export type PublishedPort = z.infer<typeof publishedPort>;

export const taskResult = z.object({
  containerId: z.string().optional(),
  ports: z.array(publishedPort).default([]),
  state: z.string().optional(),
  healthy: z.boolean().optional(),
});
export type TaskResult = z.infer<typeof taskResult>;

export const taskError = z.object({
  code: z.enum(TASK_ERROR_CODES as [string, ...string[]]),
  message: z.string(),
  retryable: z.boolean(),
  /** Last log lines of the container, when it ran and failed. */
  logs: z.array(z.string()).optional(),
});
export type TaskError = z.infer<typeof taskError>;

export const TASK_PHASES = ['pulling', 'creating', 'starting', 'waiting-for-health', 'stopping', 'removing'] as const;

export const taskProgress = z.object({
  phase: z.enum(TASK_PHASES),
  percent: z.number().min(0).max(100).optional(),
  message: z.string().optional(),
});
export type TaskProgress = z.infer<typeof taskProgress>;

export const agentTaskDocument = jsonLdDocument('AgentTask').extend({
  taskType: z.enum(TASK_TYPES),
  status: z.enum(TASK_STATUSES),
  hostId: z.string().min(1),
  stackId: z.string().min(1).optional(),
  generation: z.number().int().min(0).optional(),
  /** The stack operation (deploy, stop, start, remove) within the generation that made this task. */
  operation: z.number().int().min(0).optional(),
  containerName: z.string().min(1),
  /**
   * A removal of the copy a failover left behind on the host a container moved away from (id
   * `cleanup:{stackId}:…`). It waits in that host's queue until its agent returns; it is no part of any stack
   * operation's progress, and later stack operations do not cancel it.
   */
  cleanup: z.boolean().optional(),
  priority: z.number().int().min(0).max(10),
  payload: taskPayload,
  dependsOn: z.array(z.string()).default([]),
  /** Subset of `dependsOn` that must also have reported healthy. */
  dependsOnHealthy: z.array(z.string()).default([]),
  /** Hosts of the tasks that depend on this one: woken when it completes, so they claim without delay. */
  wakeHosts: z.array(z.string()).default([]),
  /** Claim order in one sortable string: priority (high first), then age (old first). See queueKeyOf. */
  queueKey: z.string().min(1),
  attempt: z.number().int().min(0).default(0),
  maxAttempts: z.number().int().min(1).default(DEFAULT_MAX_ATTEMPTS),
  timeoutSeconds: z.number().int().positive().default(DEFAULT_TASK_TIMEOUT_SECONDS),
  lease: lease.optional(),
  notBefore: isoTimestamp.optional(),
  progress: taskProgress.optional(),
  result: taskResult.optional(),
  error: taskError.optional(),
  dateCreated: isoTimestamp,
  assignedAt: isoTimestamp.optional(),
  startedAt: isoTimestamp.optional(),
  completedAt: isoTimestamp.optional(),
});
export type AgentTaskDocument = z.infer<typeof agentTaskDocument>;

/**
 * Mango cannot sort priority descending and age ascending in one index (mixed directions), so both go into
 * one ascending key: `(10 − priority)` as two digits, then the creation time.
 */
export function queueKeyOf(priority: number, dateCreated: string): string {
  return `${String(10 - priority).padStart(2, '0')}:${dateCreated}`;
}

/** Deterministic id, so planning the same generation twice never duplicates a task. */
export function taskId(stackId: string, generation: number, container: string, taskType: TaskType): string {
  return `task:${stackId}:${generation}:${container}:${taskType}`;
}
