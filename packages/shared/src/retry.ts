/**
 * When a failed or expired task may run again. Pure: the random draw and the clock are parameters, so the
 * queue passes its own and tests pass fixed ones.
 */
export interface RetryPolicy {
  /** Delay before the first retry, seconds. Default 2. */
  baseSeconds: number;
  /** Growth per attempt. Default 2. */
  factor: number;
  /** Upper bound of any delay, seconds. Default 300. */
  maxSeconds: number;
  /** Fraction of the delay randomized either way (0 = none, 0.5 = ±50%). Default 0.2. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  baseSeconds: 2,
  factor: 2,
  maxSeconds: 300,
  jitter: 0.2,
});

/**
 * Delay before retry number `attempt` (1 = first retry). `random` is a draw in [0, 1).
 * Exponential growth, then jitter, then the cap, so no delay ever exceeds `maxSeconds`.
 */
export function retryDelaySeconds(
  attempt: number,
  random: number,
  policy: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const raw = Math.min(policy.maxSeconds, policy.baseSeconds * policy.factor ** exponent);
  const draw = Math.min(Math.max(random, 0), 1);
  const jittered = raw * (1 - policy.jitter + 2 * policy.jitter * draw);
  return Math.min(policy.maxSeconds, Math.max(0, jittered));
}

/** ISO time before which the task may not be claimed again. */
export function retryNotBefore(
  nowMs: number,
  attempt: number,
  random: number,
  policy: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): string {
  return new Date(nowMs + retryDelaySeconds(attempt, random, policy) * 1000).toISOString();
}

export type RetryDecision = { retry: true } | { retry: false; reason: 'permanent' | 'attempts-exhausted' };

/** `attempt` counts the attempts made so far, including the one that just failed. */
export function decideRetry(attempt: number, maxAttempts: number, retryable: boolean): RetryDecision {
  if (!retryable) return { retry: false, reason: 'permanent' };
  if (attempt >= maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  return { retry: true };
}
