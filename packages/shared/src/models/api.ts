/**
 * Request and response messages of the HTTP API (DESIGN.md §9). The controller validates bodies with these
 * schemas and the typed clients (CLI, agent) parse responses with them, so both ends share one contract.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import {
  agentTaskDocument,
  publishedPort,
  TASK_STATUSES,
  TASK_TYPES,
  taskError,
  taskProgress,
  taskResult,
  targetPayload,
} from './agentTask.js';
import { deploymentView } from './deploymentState.js';
import { deploymentEvent } from './event.js';
import { hostDocument, hostLoad, hostResources } from './host.js';
import { stringMap } from './jsonld.js';
import { planExplanation } from './placement.js';
import { issueSchema, STACK_STATUSES, stackDocument } from './stack.js';
import { STACK_FORMATS } from './stackSpec.js';

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as [string, ...string[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

/** `POST /api/v1/stacks` → 202. */
export const deployStackResponse = z.object({
  stackId: z.string(),
  name: z.string(),
  generation: z.number().int().min(1),
  status: z.enum(STACK_STATUSES),
  format: z.enum(STACK_FORMATS),
  location: z.string(),
  taskIds: z.array(z.string()),
  warnings: z.array(issueSchema),
});
export type DeployStackResponse = z.infer<typeof deployStackResponse>;

/**
 * `POST /api/v1/stacks` and `/plan` sent as STACK_SUBMISSION_TYPE: the definition text together with what
 * the controller cannot know by itself, the values of the compose `${VAR}`s in the submitter's environment
 * (see composeVariableNames). Any other definition content type is the raw definition, with no variables.
 */
export const STACK_SUBMISSION_TYPE = 'application/vnd.graphium.stack-submission+json';

export const stackSubmission = z
  .object({
    /** The definition as written: JSON-LD, EVE ItemList or compose YAML. */
    definition: z.string().min(1),
    /** Media type of `definition`; steers JSON vs YAML decoding (sniffed when absent). */
    contentType: z.string().optional(),
    /** The file the definition was read from; helps format detection and names an unnamed compose stack. */
    filename: z.string().optional(),
    /** Values for compose interpolation and for `environment` entries written without a value. */
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.string()).default({}),
  })
  .strict();
export type StackSubmission = z.input<typeof stackSubmission>;

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque cursor from the previous page's `next`. */
  cursor: z.string().optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().optional() });
}

/** `POST /api/v1/agents/:hostId/register`. */
export const registerAgentRequest = z.object({
  address: z.string().min(1),
  datacenter: z.string().optional(),
  labels: stringMap.default({}),
  resources: hostResources,
  dockerVersion: z.string().optional(),
  os: z.string().optional(),
  arch: z.string().optional(),
  agentVersion: z.string().optional(),
});
export type RegisterAgentRequest = z.infer<typeof registerAgentRequest>;

export const registerAgentResponse = z.object({
  hostId: z.string(),
  /** Identifies this agent process; claims and leases are bound to it. */
  agentSession: z.string(),
  heartbeatIntervalSeconds: z.number().int().positive(),
  leaseSeconds: z.number().int().positive(),
});
export type RegisterAgentResponse = z.infer<typeof registerAgentResponse>;

/** One container the agent found on its host with Graphium's labels. */
export const inventoryEntry = z.object({
  dockerName: z.string(),
  containerId: z.string(),
  state: z.string(),
  stack: z.string().optional(),
  container: z.string().optional(),
  taskId: z.string().optional(),
  specHash: z.string().optional(),
  ports: z.array(publishedPort).default([]),
});
export type InventoryEntry = z.infer<typeof inventoryEntry>;

/** `POST /api/v1/agents/:hostId/heartbeat`. */
export const heartbeatRequest = z.object({
  agentSession: z.string().min(1),
  load: hostLoad,
  usedHostPorts: z.array(z.number().int().min(1).max(65535)).default([]),
  inventory: z.array(inventoryEntry).optional(),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequest>;

/** `POST /api/v1/agents/:hostId/tasks/claim?wait=30`. */
export const claimRequest = z.object({
  agentSession: z.string().min(1),
  /** How many tasks the agent can start now (its free concurrency). */
  max: z.number().int().min(1).max(100).default(1),
  /**
   * Tasks the agent is working on. A task claimed by this session but not listed here was claimed by a
   * response that never reached the agent: it is handed again instead of waiting for its lease to expire.
   */
  holding: z.array(z.string()).default([]),
});
export type ClaimRequest = z.infer<typeof claimRequest>;

/** `?wait=` of the claim: seconds to long-poll when nothing is claimable; absent or 0 answers at once. */
export const claimQuery = z.object({ wait: z.coerce.number().int().min(0).max(3600).default(0) });

export const claimResponse = z.object({ tasks: z.array(agentTaskDocument) });
export type ClaimResponse = z.infer<typeof claimResponse>;

/** `PUT /api/v1/tasks/:id/status`: every write after the claim proves ownership with the lease token. */
export const taskStatusUpdate = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('running'),
    leaseToken: z.string().min(1),
    progress: taskProgress.optional(),
  }),
  z.object({
    status: z.literal('completed'),
    leaseToken: z.string().min(1),
    result: taskResult,
  }),
  z.object({
    status: z.literal('failed'),
    leaseToken: z.string().min(1),
    error: taskError,
  }),
  z.object({
    /** Hand the task back unfinished (agent shutting down); it returns to `pending` without an attempt. */
    status: z.literal('released'),
    leaseToken: z.string().min(1),
  }),
]);
export type TaskStatusUpdate = z.infer<typeof taskStatusUpdate>;

/** `POST /api/v1/tasks`: a task made by hand (automation), for a container Graphium manages. */
export const createTaskRequest = z.object({
  hostId: z.string().min(1),
  taskType: z.enum(TASK_TYPES).exclude(['deploy']),
  containerName: z.string().min(1),
  stackId: z.string().optional(),
  priority: z.number().int().min(0).max(10).optional(),
  payload: targetPayload.omit({ kind: true, containerName: true }).partial().optional(),
});
export type CreateTaskRequest = z.infer<typeof createTaskRequest>;

export const taskListQuery = listQuery.extend({
  hostId: z.string().optional(),
  stackId: z.string().optional(),
  status: z.enum(TASK_STATUSES).optional(),
  taskType: z.enum(TASK_TYPES).optional(),
});
export type TaskListQuery = z.infer<typeof taskListQuery>;

const countsOf = <T extends readonly [string, ...string[]]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int().min(0)])) as Record<T[number], z.ZodNumber>);

/** `GET /api/v1/tasks/stats`. */
export const taskStatsResponse = z.object({
  total: z.number().int().min(0),
  byStatus: countsOf(TASK_STATUSES),
  byType: countsOf(TASK_TYPES),
  byHost: z.record(z.string(), countsOf(TASK_STATUSES)),
});
export type TaskStatsResponse = z.infer<typeof taskStatsResponse>;

export const stackListQuery = listQuery.extend({ status: z.enum(STACK_STATUSES).optional() });

// ---------------------------------------------------------------------------------------------------------
// Messages of the controller's read, token and event routes.

/** `GET /api/v1/stacks/:id` and the stack actions: the stack with its live deployment state. */
export const stackViewResponse = z.object({
  stack: stackDocument,
  deployment: deploymentView.optional(),
});

/** `POST /api/v1/stacks/plan`: the placement a deploy would make, with its explanation; nothing written. */
export const planPreviewResponse = z.object({
  stackId: z.string(),
  name: z.string(),
  format: z.enum(STACK_FORMATS),
  strategy: z.string(),
  placements: z.record(z.string(), z.object({ hostId: z.string(), hostAddress: z.string() })),
  explanation: planExplanation,
  warnings: z.array(issueSchema),
});

/** A host as users see it: the agent session stays between the agent and the controller. */
export const hostView = hostDocument.omit({ agentSession: true });
export type HostView = z.infer<typeof hostView>;

export const hostListResponse = z.object({ items: z.array(hostView) });

/** Who a bearer token speaks for. Agent tokens are bound to one host id. */
export const principal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin'), name: z.string() }),
  z.object({ kind: z.literal('user'), name: z.string() }),
  z.object({ kind: z.literal('agent'), name: z.string(), hostId: z.string() }),
]);

/** `POST /api/v1/tokens` (admin only). Admin tokens are never minted over HTTP: the first one is made at start. */
export const createTokenRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), name: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('agent'), name: z.string().min(1).max(200), hostId: z.string().min(1).max(200) }),
]);
export type CreateTokenRequest = z.infer<typeof createTokenRequest>;

/** The token is shown in this response only; the controller keeps its hash. */
export const createTokenResponse = z.object({ token: z.string(), principal });

/** `GET /api/v1/events/history`: the most recent stored events, oldest first. */
export const eventHistoryQuery = z.object({
  stackId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const eventListResponse = z.object({ items: z.array(deploymentEvent) });

/** `GET /api/v1/events` (server-sent events): filters, and replay of recent events for one stack. */
export const eventStreamQuery = z.object({
  stackId: z.string().optional(),
  hostId: z.string().optional(),
  /** Comma-separated event types to receive; all when absent. */
  types: z.string().optional(),
});

/** `GET /api/v1/agents/:hostId/tasks`: the host is in the path. */
export const agentTaskListQuery = taskListQuery.omit({ hostId: true });

export const taskPageResponse = pageOf(agentTaskDocument);
export const stackPageResponse = pageOf(stackDocument);

/** `GET /healthz`. */
export const healthResponse = z.object({ status: z.enum(['ok', 'unavailable']) });
