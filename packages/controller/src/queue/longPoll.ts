/**
 * The long-poll around a claim (DESIGN.md §5, "wake-up, not polling"): try at once; when nothing is
 * claimable, sleep until the host is woken (a change to one of its tasks, from any replica), the soonest
 * back-off among its waiting tasks ends, the caller goes away, the queue stops, or the wait is over —
 * then try again. The wait is real time; `notBefore` instants are read against the queue's clock.
 */
import type { AgentTaskDocument } from '@graphium/shared';
import type { ClaimRequest, Clock } from '../ports.js';
import type { Wakeups } from './wakeups.js';

export interface ClaimAttempt {
  tasks: AgentTaskDocument[];
  /** Soonest `notBefore` (ms, queue clock) among the host's waiting candidates. */
  retryAt?: number | undefined;
}

export interface LongPollDeps {
  wakeups: Wakeups;
  clock: Clock;
  isStopped(): boolean;
  /**
   * One try. `rehand` is true on the first try of a poll only: a claim response can only have been lost
   * before the agent asked again, so later tries (after a wake-up) need not look for lost ones.
   */
  attempt(request: ClaimRequest, rehand: boolean): Promise<ClaimAttempt>;
}

/** Lower bound of a sleep towards a back-off, so clock skew cannot turn the loop into a spin. */
const MIN_SLEEP_MS = 10;

export async function longPoll(request: ClaimRequest, deps: LongPollDeps): Promise<AgentTaskDocument[]> {
  const deadline = Date.now() + Math.max(0, request.waitMs);
  for (let round = 0; ; round += 1) {
    if (deps.isStopped() || request.signal?.aborted === true) return [];
    const version = deps.wakeups.version(request.hostId);
    const { tasks, retryAt } = await deps.attempt(request, round === 0);
    if (tasks.length > 0) return tasks;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return [];
    const untilRetry = retryAt === undefined ? remaining : Math.max(MIN_SLEEP_MS, retryAt - deps.clock.now());
    await deps.wakeups.wait(request.hostId, version, Math.min(remaining, untilRetry), request.signal);
  }
}
