/**
 * Waiting out an unreachable controller: the shared retry policy (exponential, jitter, cap) counted per
 * outage, reset by the first success. Jitter keeps a fleet of agents from returning in step after an outage.
 */
import { retryDelaySeconds, type RetryPolicy } from '@graphium/shared';

/** Reconnects start fast and stay frequent: 1 s doubling to 30 s, ±30 %. */
export const RECONNECT_POLICY: Readonly<RetryPolicy> = Object.freeze({ baseSeconds: 1, factor: 2, maxSeconds: 30, jitter: 0.3 });

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: Readonly<RetryPolicy> = RECONNECT_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  get failures(): number {
    return this.attempt;
  }

  nextDelayMs(): number {
    this.attempt += 1;
    return Math.round(retryDelaySeconds(this.attempt, this.random(), this.policy) * 1000);
  }

  reset(): void {
    this.attempt = 0;
  }
}
