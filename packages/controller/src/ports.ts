/**
 * The seams between the controller's parts. Each part is written against these interfaces and wired in
 * server.ts, so routes can be tested through createApp(deps) with fakes, and every fake has a contract suite
 * that also runs against the real implementation on the store.
 *
 * Time is always passed in (Clock), never read inside the parts, so tests control it.
 */
import type {
  AgentTaskDocument,
  CreateTaskRequest,
  DeploymentEvent,
  DeploymentView,
  DeployStackResponse,
  EventType,
  HeartbeatRequest,
  HostDocument,
  PlanExplanation,
  RegisterAgentRequest,
  RegisterAgentResponse,
  StackDocument,
  StackStatus,
  TaskListQuery,
  TaskStatsResponse,
  TaskStatusUpdate,
  Issue,
  StackFormat,
} from '@graphium/shared';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page; absent on the last page. */
  next?: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Task queue (DESIGN.md §5)

export interface ClaimRequest {
  hostId: string;
  agentSession: string;
  /** Tasks the agent can take now. */
  max: number;
  /** Task ids the agent is working on (a claimed task not listed is handed again). */
  holding: readonly string[];
  /** Long-poll: wait up to this long for a claimable task; 0 answers at once. */
  waitMs: number;
  /** Aborted when the client goes away or the server shuts down: answer what you have (usually nothing). */
  signal?: AbortSignal | undefined;
}

export interface TaskQueue {
  /** Idempotent: tasks whose id exists already are left as they are (deterministic ids). */
  insertMany(tasks: readonly AgentTaskDocument[]): Promise<void>;
  get(id: string): Promise<AgentTaskDocument | undefined>;
  list(query: TaskListQuery): Promise<Page<AgentTaskDocument>>;
  /** Every task created for a stack (ids `task:{stackId}:…`, all generations), oldest first; includes the latest writes. */
  forStack(stackId: string): Promise<AgentTaskDocument[]>;
  /** Claims up to `max` claimable tasks of the host, each by one conditional write; long-polls when none. */
  claim(request: ClaimRequest): Promise<AgentTaskDocument[]>;
  /**
   * A status write from the agent holding the lease. Throws AppError TASK_LEASE_LOST (stale token or the task
   * is no longer held), NOT_FOUND, FORBIDDEN (task of another host).
   */
  report(taskId: string, hostId: string, update: TaskStatusUpdate): Promise<AgentTaskDocument>;
  /** Returns every task held by another session of this host to `pending` (the agent restarted). */
  releaseOtherSessions(hostId: string, currentSession: string): Promise<number>;
  /** Expired leases back to `pending` (attempt counted) or `failed` after maxAttempts. */
  requeueExpired(): Promise<AgentTaskDocument[]>;
  /** Pending/claimed/running → cancelled. Cancelling a finished task is a CONFLICT. */
  cancel(id: string): Promise<AgentTaskDocument>;
  /** Failed/cancelled → pending with attempts reset. Retrying an unfinished task is a CONFLICT. */
  retry(id: string): Promise<AgentTaskDocument>;
  /** Cancels every unfinished task of a stack (before a redeploy or a delete supersedes them). */
  cancelForStack(stackId: string): Promise<number>;
  createManual(request: CreateTaskRequest): Promise<AgentTaskDocument>;
  stats(): Promise<TaskStatsResponse>;
  /** Long-polls currently held (for /metrics). */
  pendingClaims(): number;
  /** Called for every task document that changed (from the tasks `_changes` feed, any replica's write). */
  onChange(listener: (task: AgentTaskDocument) => void): () => void;
  /** Starts following changes and the lease sweeper. */
  start(): Promise<void>;
  /** Stops following, answers every held long-poll with no tasks. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Hosts and agents

export interface HostRegistry {
  /** Creates or updates the host and starts a new agent session (the previous one is no longer live). */
  register(hostId: string, request: RegisterAgentRequest): Promise<RegisterAgentResponse>;
  /** Throws AGENT_SESSION_CONFLICT when the session is not the host's live one. */
  heartbeat(hostId: string, request: HeartbeatRequest): Promise<HostDocument>;
  /** Throws AGENT_SESSION_CONFLICT when the session is not the host's live one. */
  assertSession(hostId: string, agentSession: string): Promise<void>;
  get(hostId: string): Promise<HostDocument | undefined>;
  list(): Promise<HostDocument[]>;
  drain(hostId: string): Promise<HostDocument>;
  /** Online hosts whose heartbeat is older than the timeout → offline; returns them. */
  markOffline(): Promise<HostDocument[]>;
}

// ---------------------------------------------------------------------------------------------------------
// Events

export interface NewEvent {
  type: EventType;
  stackId?: string | undefined;
  hostId?: string | undefined;
  taskId?: string | undefined;
  message?: string | undefined;
  data?: Record<string, unknown> | undefined;
  /**
   * Deterministic id suffix: replicas that notice the same change publish the same event id, so readers
   * show it once. Absent: a fresh id.
   */
  dedupeKey?: string | undefined;
}

export interface EventLog {
  publish(event: NewEvent): Promise<DeploymentEvent>;
  /** Stored events, oldest first (filter by stack). */
  list(query: { stackId?: string | undefined; limit: number }): Promise<DeploymentEvent[]>;
  /** Live events from every replica (follows the events `_changes` feed). Returns unsubscribe. */
  subscribe(listener: (event: DeploymentEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Auth

export type Principal =
  | { kind: 'admin'; name: string }
  | { kind: 'user'; name: string }
  | { kind: 'agent'; name: string; hostId: string };

export interface CreatedToken {
  /** Shown once; only its hash is stored. */
  token: string;
  principal: Principal;
}

export interface TokenStore {
  /** undefined for an unknown or revoked token. */
  verify(token: string): Promise<Principal | undefined>;
  create(principal: Principal): Promise<CreatedToken>;
  /** Creates the first admin token when none exists (returned once), else undefined. */
  ensureAdmin(): Promise<CreatedToken | undefined>;
}

// ---------------------------------------------------------------------------------------------------------
// Stacks

export interface SubmittedDefinition {
  /** Raw body text (JSON or YAML) or an already-parsed JSON value. */
  body: unknown;
  contentType?: string | undefined;
  filename?: string | undefined;
}

export interface PlanPreview {
  stackId: string;
  name: string;
  format: StackFormat;
  strategy: string;
  placements: Record<string, { hostId: string; hostAddress: string }>;
  explanation: PlanExplanation;
  warnings: Issue[];
}

export interface StackView {
  stack: StackDocument;
  deployment?: DeploymentView | undefined;
}

export interface StackService {
  /** Validates, plans and writes tasks; throws AppError VALIDATION_FAILED / PLACEMENT_UNSATISFIABLE. */
  deploy(definition: SubmittedDefinition, owner: string): Promise<DeployStackResponse>;
  plan(definition: SubmittedDefinition): Promise<PlanPreview>;
  list(query: { status?: StackStatus | undefined; limit: number; cursor?: string | undefined }): Promise<Page<StackDocument>>;
  get(stackId: string): Promise<StackView | undefined>;
  stop(stackId: string): Promise<StackView>;
  start(stackId: string): Promise<StackView>;
  remove(stackId: string): Promise<StackView>;
  /** Follows task changes to keep stack status, progress and deletion up to date. */
  startMonitor(): Promise<void>;
  stopMonitor(): Promise<void>;
}
