/**
 * Every state change of a task as a pure function: document in, document out. Both queue implementations
 * (CouchDB and the in-memory fake) apply these same functions, so the fake cannot drift from the real
 * queue; the store-specific code only decides how a write is made conditional and who gets to make it.
 *
 * Attempts: a claim counts the attempt (attempt + 1). Handing a task back unstarted (release, a claim the
 * agent never started) uncounts it; a lease that expired while the task ran keeps it counted, so a task that
 * kills its agent cannot loop for ever.
 */
import {
  AppError,
  decideRetry,
  isTerminalTaskStatus,
  retryNotBefore,
  type AgentTaskDocument,
  type RetryPolicy,
  type TaskError,
  type TaskStatusUpdate,
} from '@graphium/shared';

export interface TransitionContext {
  nowMs: number;
  leaseSeconds: number;
  /** Draw in [0, 1) for retry jitter. */
  random: () => number;
  retryPolicy: Readonly<RetryPolicy>;
}

type Task = AgentTaskDocument;
type OptionalField = 'lease' | 'notBefore' | 'progress' | 'result' | 'error' | 'assignedAt' | 'startedAt' | 'completedAt';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Absent rather than `undefined`, so stored documents and the fake's copies look alike. */
function without(task: Task, ...fields: OptionalField[]): Task {
  const copy = { ...task };
  for (const field of fields) delete copy[field];
  return copy;
}

function leaseExpiry(ctx: TransitionContext): string {
  return iso(ctx.nowMs + ctx.leaseSeconds * 1000);
}

export interface ClaimGrant {
  token: string;
  agentSession: string;
  /** Endpoint values resolved at claim time (DESIGN.md §7), merged over the plan-time ones. */
  injectedEnv?: Record<string, string> | undefined;
}

/** pending → claimed: a fresh lease for one agent session; the attempt is counted now. */
export function claimTask(task: Task, ctx: TransitionContext, grant: ClaimGrant): Task {
  const payload =
    grant.injectedEnv !== undefined && task.payload.kind === 'deploy'
      ? { ...task.payload, injectedEnv: { ...task.payload.injectedEnv, ...grant.injectedEnv } }
      : task.payload;
  return {
    ...without(task, 'notBefore', 'progress'),
    payload,
    status: 'claimed',
    lease: { token: grant.token, agentSession: grant.agentSession, expiresAt: leaseExpiry(ctx) },
    assignedAt: iso(ctx.nowMs),
    attempt: task.attempt + 1,
  };
}

/**
 * A claim whose response never reached the agent, handed again to the same session: a fresh token (should
 * the first response surface after all, its token is fenced off) and a fresh expiry; same attempt.
 */
export function rehandTask(task: Task, ctx: TransitionContext, token: string): Task {
  const agentSession = task.lease?.agentSession ?? '';
  return { ...task, lease: { token, agentSession, expiresAt: leaseExpiry(ctx) }, assignedAt: iso(ctx.nowMs) };
}

/**
 * Fencing (DESIGN.md §5): only the host the task belongs to, holding the current, unexpired lease, may
 * write. Throws FORBIDDEN or TASK_LEASE_LOST.
 */
export function assertLeaseHolder(task: Task, hostId: string, token: string, nowMs: number): void {
  if (task.hostId !== hostId) {
    throw new AppError('FORBIDDEN', `task ${task['@id']} belongs to host ${task.hostId}, not ${hostId}`);
  }
  const held = task.status === 'claimed' || task.status === 'running';
  if (!held || task.lease === undefined || task.lease.token !== token) {
    throw new AppError('TASK_LEASE_LOST', `the lease on task ${task['@id']} is no longer yours (status ${task.status})`, {
      details: { taskId: task['@id'], status: task.status },
    });
  }
  if (Date.parse(task.lease.expiresAt) <= nowMs) {
    throw new AppError('TASK_LEASE_LOST', `the lease on task ${task['@id']} expired at ${task.lease.expiresAt}`, {
      details: { taskId: task['@id'], status: task.status },
    });
  }
}

/** Applies an agent's status report. The caller has checked the lease with assertLeaseHolder. */
export function applyReport(task: Task, update: TaskStatusUpdate, ctx: TransitionContext): Task {
  const now = iso(ctx.nowMs);
  switch (update.status) {
    case 'running':
      // Every running report renews the lease: progress is the agent's heartbeat for the task.
      return {
        ...task,
        status: 'running',
        startedAt: task.startedAt ?? now,
        ...(update.progress === undefined ? {} : { progress: update.progress }),
        lease: { token: update.leaseToken, agentSession: task.lease?.agentSession ?? '', expiresAt: leaseExpiry(ctx) },
      };
    case 'completed':
      return { ...without(task, 'lease', 'error', 'notBefore'), status: 'completed', result: update.result, completedAt: now };
    case 'failed':
      return failAttempt(task, update.error, ctx);
    case 'released':
      return releaseTask(task);
  }
}

/** A failed attempt: retried after a back-off when the error allows and attempts remain, else final. */
export function failAttempt(task: Task, error: TaskError, ctx: TransitionContext): Task {
  const decision = decideRetry(task.attempt, task.maxAttempts, error.retryable);
  if (decision.retry) {
    return {
      ...without(task, 'lease', 'progress'),
      status: 'pending',
      error,
      notBefore: retryNotBefore(ctx.nowMs, task.attempt, ctx.random(), ctx.retryPolicy),
    };
  }
  return { ...without(task, 'lease', 'notBefore'), status: 'failed', error, completedAt: iso(ctx.nowMs) };
}

/** Handed back unfinished (agent shutting down): pending again, the attempt not counted. */
export function releaseTask(task: Task): Task {
  return { ...without(task, 'lease', 'progress'), status: 'pending', attempt: Math.max(0, task.attempt - 1) };
}

/** The lease ran out: retried after a back-off (attempt stays counted), or failed after maxAttempts. */
export function expireLease(task: Task, ctx: TransitionContext): Task {
  const session = task.lease?.agentSession ?? 'unknown';
  const exhausted = task.attempt >= task.maxAttempts;
  const error: TaskError = {
    code: 'LEASE_EXPIRED',
    message: exhausted
      ? `lease expired on attempt ${task.attempt} of ${task.maxAttempts} (agent session ${session}); no attempts left`
      : `lease expired on attempt ${task.attempt} of ${task.maxAttempts} (agent session ${session})`,
    retryable: !exhausted,
  };
  return failAttempt(task, error, ctx);
}

/**
 * The agent that held the task restarted (a new session registered). A task it had only claimed was never
 * started: back to pending uncounted. A running one was interrupted: counted, retried at once (the agent is
 * back) or failed after maxAttempts.
 */
export function endSession(task: Task, ctx: TransitionContext): Task {
  if (task.status === 'claimed') return releaseTask(task);
  const retried = expireLease(task, ctx);
  return retried.status === 'pending' ? without(retried, 'notBefore') : retried;
}

/** A dependency failed or was cancelled: waiting would be for ever, so the dependent fails at once. */
export function failForDependency(task: Task, error: TaskError, ctx: TransitionContext): Task {
  return { ...without(task, 'lease', 'notBefore', 'progress'), status: 'failed', error, completedAt: iso(ctx.nowMs) };
}

/** Pending/claimed/running → cancelled. A finished task stays as it is (CONFLICT). */
export function cancelTask(task: Task, ctx: TransitionContext): Task {
  if (isTerminalTaskStatus(task.status)) {
    throw new AppError('CONFLICT', `task ${task['@id']} is already ${task.status}`, { details: { status: task.status } });
  }
  return {
    ...without(task, 'lease', 'notBefore', 'progress'),
    status: 'cancelled',
    error: { code: 'CANCELLED', message: 'cancelled', retryable: false },
    completedAt: iso(ctx.nowMs),
  };
}

/** Failed/cancelled → pending with attempts reset. Retrying an unfinished or completed task is a CONFLICT. */
export function retryTask(task: Task): Task {
  if (task.status !== 'failed' && task.status !== 'cancelled') {
    throw new AppError('CONFLICT', `task ${task['@id']} is ${task.status}; only failed or cancelled tasks can be retried`, {
      details: { status: task.status },
    });
  }
  return {
    ...without(task, 'lease', 'notBefore', 'progress', 'result', 'error', 'assignedAt', 'startedAt', 'completedAt'),
    status: 'pending',
    attempt: 0,
  };
}
