/**
 * The claim (DESIGN.md §5, STYLE.md rule 6), in one function: a claim is one conditional write per task —
 * the document at the `_rev` it was seen at, now `claimed` under a fresh lease. A conflict means another
 * claimer (or any other writer) got there first: the entry is dropped and the claim moves on.
 *
 * Order of work: first re-hand tasks this agent session claimed but never received (the response was
 * lost); then claim new ones from the host's pending tasks in queue order (highest priority, then oldest),
 * taken from the replica's view of unfinished tasks (activeTasks.ts) a page at a time, so tasks blocked at
 * the head (dependencies, back-off) cannot hide claimable ones; the dependencies are read fresh from the
 * store. Last, the claimed documents are read back in one request to settle stored conflicts a CouchDB
 * cluster may have accepted (claimConflicts.ts) — on a store that may be a cluster. A single-node store
 * (the embedded one) answers a conditional write with success or 409 and never stores a conflict, so there
 * the written versions are handed out as they are.
 */
import { randomUUID } from 'node:crypto';
import type { AgentTaskDocument } from '@graphium/shared';
import type { Logger } from 'pino';
import type { ClaimRequest } from '../ports.js';
import type { ActiveTasks } from './activeTasks.js';
import { assessClaim, dependencyIdsOf } from './claimability.js';
import { settleClaims, type WrittenClaim } from './claimConflicts.js';
import type { ClaimAttempt } from './longPoll.js';
import { stripConflicts, type StoredTask, type TaskDocs } from './taskDocs.js';
import { claimTask, failForDependency, rehandTask, type TransitionContext } from './transitions.js';

export interface ClaimContext {
  docs: TaskDocs;
  active: ActiveTasks;
  log: Logger;
  /** Conditional write that keeps `active` up to date; undefined on conflict. */
  write(task: AgentTaskDocument): Promise<StoredTask | undefined>;
  /** A fresh context (now) for this attempt. */
  transitionContext(): TransitionContext;
  /** Candidates assessed per page (their dependencies are read in one request). */
  pageSize: number;
  /** Pages per attempt at most: bounds one claim's work when a host has many blocked tasks. */
  maxPages: number;
  /** Read claims back to settle stored conflicts: true unless the store is known to be a single node. */
  readBack: boolean;
}

export async function claimNext(ctx: ClaimContext, request: ClaimRequest, rehand = true): Promise<ClaimAttempt> {
  const now = ctx.transitionContext();
  const written: (WrittenClaim & { stored: StoredTask })[] = [];
  const writeClaim = async (task: AgentTaskDocument, token: string): Promise<boolean> => {
    const stored = await ctx.write(task);
    if (stored !== undefined) written.push({ id: stored._id, token, stored });
    return stored !== undefined;
  };

  // 1. Re-hand: claimed by this session, not among the tasks the agent says it holds.
  if (rehand) {
    const holding = new Set(request.holding);
    const lost = ctx.active
      .ofHost(request.hostId, ['claimed'])
      .filter((task) => task.lease?.agentSession === request.agentSession && !holding.has(task._id))
      .slice(0, request.max);
    for (const task of lost) {
      const token = randomUUID();
      if (await writeClaim(rehandTask(task, now, token), token)) {
        ctx.log.info({ event: 'task.rehanded', taskId: task._id, hostId: request.hostId, agentSession: request.agentSession });
      }
    }
  }

  // 2. New claims, a page of candidates at a time, in queue order.
  const queue = ctx.active.pendingOf(request.hostId).slice(0, ctx.pageSize * ctx.maxPages);
  let retryAt: number | undefined;
  for (let start = 0; start < queue.length && written.length < request.max; start += ctx.pageSize) {
    const candidates = queue.slice(start, start + ctx.pageSize);
    // A dependency the view holds is unfinished as far as it knows: only finished (or unknown) ones are read.
    // Should it have finished meanwhile, the feed brings that and wakes this host.
    const dependencies = new Map<string, AgentTaskDocument>();
    const unknown: string[] = [];
    for (const id of candidates.flatMap(dependencyIdsOf)) {
      const active = ctx.active.get(id);
      if (active === undefined) unknown.push(id);
      else dependencies.set(id, active);
    }
    for (const [id, dependency] of await ctx.docs.readMany(unknown)) dependencies.set(id, dependency);
    const claimable: { task: StoredTask; injectedEnv?: Record<string, string> | undefined }[] = [];
    const failed: AgentTaskDocument[] = [];
    for (const task of candidates) {
      const assessment = assessClaim(task, dependencies, now.nowMs);
      if (assessment.kind === 'claimable') claimable.push({ task, injectedEnv: assessment.injectedEnv });
      if (assessment.kind === 'waiting' && assessment.notBefore !== undefined) {
        retryAt = Math.min(retryAt ?? Infinity, assessment.notBefore);
      }
      if (assessment.kind === 'dependencyFailed') {
        failed.push(failForDependency(task, assessment.error, now));
        ctx.log.info({ event: 'task.dependency_failed', taskId: task._id, hostId: task.hostId, reason: assessment.error.message });
      }
    }
    // Conflicts are fine here: whoever changed the task first decided its fate.
    await Promise.all(failed.map((task) => ctx.write(task)));

    // In queue order; after lost races, the next candidates fill the free places.
    let next = 0;
    while (written.length < request.max && next < claimable.length) {
      const wave = claimable.slice(next, next + request.max - written.length);
      next += wave.length;
      await Promise.all(
        wave.map(({ task, injectedEnv }) => {
          const token = randomUUID();
          return writeClaim(claimTask(task, now, { token, agentSession: request.agentSession, injectedEnv }), token);
        }),
      );
    }
  }

  // 3. Read back and settle stored conflicts: only claims this claimer still owns go to the agent.
  const tasks = ctx.readBack
    ? await settleClaims(ctx.docs, written, ctx.log, (stored) => ctx.active.apply(stored))
    : written.map(({ stored }) => stripConflicts(stored));
  for (const task of tasks) {
    ctx.log.info({ event: 'task.claimed', taskId: task['@id'], hostId: task.hostId, attempt: task.attempt, agentSession: request.agentSession });
  }
  return { tasks, retryAt };
}
