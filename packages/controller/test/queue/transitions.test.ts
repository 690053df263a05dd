import { DEFAULT_RETRY_POLICY, type AgentTaskDocument } from '@graphium/shared';
import {
  applyReport,
  assertLeaseHolder,
  cancelTask,
  claimTask,
  endSession,
  expireLease,
  failAttempt,
  rehandTask,
  releaseTask,
  retryTask,
  type TransitionContext,
} from '../../src/queue/transitions.js';
import { task } from './tasks.js';

const NOW = Date.parse('2030-01-01T00:10:00.000Z');
const ctx: TransitionContext = { nowMs: NOW, leaseSeconds: 60, random: () => 0.5, retryPolicy: DEFAULT_RETRY_POLICY };
const claimed = (spec = {}): AgentTaskDocument => claimTask(task({ id: 't', ...spec }), ctx, { token: 'tok', agentSession: 's1' });
const code = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('task transitions', () => {
  it('claims: lease for the session, expiry after leaseSeconds, attempt counted, back-off cleared', () => {
    const t = claimTask(task({ id: 't', notBefore: '2030-01-01T00:00:00.000Z' }), ctx, { token: 'tok', agentSession: 's1' });
    expect(t).toMatchObject({ status: 'claimed', attempt: 1, lease: { token: 'tok', agentSession: 's1', expiresAt: '2030-01-01T00:11:00.000Z' } });
    expect(t.notBefore).toBeUndefined();
    expect('notBefore' in t).toBe(false);
  });

  it('merges endpoints resolved at claim time over the planned ones', () => {
    const t = claimTask(task({ id: 't', injectedEnv: { A_HOST: 'h', KEEP: '1' } }), ctx, {
      token: 'tok',
      agentSession: 's1',
      injectedEnv: { A_HOST: 'h', A_PORT: '80' },
    });
    expect(t.payload.kind === 'deploy' && t.payload.injectedEnv).toEqual({ A_HOST: 'h', KEEP: '1', A_PORT: '80' });
  });

  it('re-hands with a fresh token and expiry, same attempt and session', () => {
    const t = rehandTask(claimed(), { ...ctx, nowMs: NOW + 5000 }, 'tok2');
    expect(t).toMatchObject({ attempt: 1, lease: { token: 'tok2', agentSession: 's1', expiresAt: '2030-01-01T00:11:05.000Z' } });
  });

  it.each([
    ['another host', 'h2', 'tok', NOW, 'FORBIDDEN'],
    ['a stale token', 'h1', 'old', NOW, 'TASK_LEASE_LOST'],
    ['an expired lease', 'h1', 'tok', NOW + 60_000, 'TASK_LEASE_LOST'],
    ['the holder', 'h1', 'tok', NOW + 59_999, undefined],
  ])('fences %s', (_, host, token, at, expected) => {
    expect(code(() => assertLeaseHolder(claimed(), host, token, at))).toBe(expected);
  });

  it('fences tasks no longer held', () => {
    const done = applyReport(claimed(), { status: 'completed', leaseToken: 'tok', result: { ports: [] } }, ctx);
    expect(code(() => assertLeaseHolder(done, 'h1', 'tok', NOW))).toBe('TASK_LEASE_LOST');
  });

  it('running renews the lease and keeps the first startedAt', () => {
    const first = applyReport(claimed(), { status: 'running', leaseToken: 'tok' }, { ...ctx, nowMs: NOW + 30_000 });
    const second = applyReport(first, { status: 'running', leaseToken: 'tok', progress: { phase: 'pulling', percent: 50 } }, { ...ctx, nowMs: NOW + 50_000 });
    expect(second).toMatchObject({ status: 'running', startedAt: '2030-01-01T00:10:30.000Z', progress: { phase: 'pulling', percent: 50 } });
    expect(second.lease?.expiresAt).toBe('2030-01-01T00:11:50.000Z');
  });

  it('a retryable failure waits for the back-off; a permanent one or the last attempt is final', () => {
    const retryable = { code: 'DOCKER_UNAVAILABLE' as const, message: 'down', retryable: true };
    const again = failAttempt(claimed({ maxAttempts: 3 }), retryable, ctx);
    expect(again).toMatchObject({ status: 'pending', attempt: 1, error: retryable, notBefore: '2030-01-01T00:10:02.000Z' });
    expect(again.lease).toBeUndefined();
    expect(failAttempt(claimed(), { ...retryable, retryable: false }, ctx)).toMatchObject({ status: 'failed', completedAt: '2030-01-01T00:10:00.000Z' });
    expect(failAttempt(claimed({ maxAttempts: 1 }), retryable, ctx)).toMatchObject({ status: 'failed' });
  });

  it('release returns the attempt; expiry keeps it and names the attempts when none are left', () => {
    expect(releaseTask(claimed())).toMatchObject({ status: 'pending', attempt: 0 });
    expect(expireLease(claimed({ maxAttempts: 3 }), ctx)).toMatchObject({ status: 'pending', attempt: 1, error: { code: 'LEASE_EXPIRED' } });
    const last = expireLease(claimed({ maxAttempts: 1 }), ctx);
    expect(last).toMatchObject({ status: 'failed', error: { code: 'LEASE_EXPIRED', retryable: false } });
    expect(last.error?.message).toContain('attempt 1 of 1');
  });

  it('an ended session gives claimed tasks back uncounted and retries running ones at once', () => {
    expect(endSession(claimed(), ctx)).toMatchObject({ status: 'pending', attempt: 0 });
    const running = applyReport(claimed({ maxAttempts: 3 }), { status: 'running', leaseToken: 'tok' }, ctx);
    const back = endSession(running, ctx);
    expect(back).toMatchObject({ status: 'pending', attempt: 1, error: { code: 'LEASE_EXPIRED' } });
    expect(back.notBefore).toBeUndefined();
  });

  it('cancel and retry refuse the states they do not apply to', () => {
    const done = applyReport(claimed(), { status: 'completed', leaseToken: 'tok', result: { ports: [] } }, ctx);
    expect(code(() => cancelTask(done, ctx))).toBe('CONFLICT');
    expect(code(() => retryTask(done))).toBe('CONFLICT');
    expect(code(() => retryTask(claimed()))).toBe('CONFLICT');
    const cancelled = cancelTask(claimed(), ctx);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    const retried = retryTask(cancelled);
    expect(retried).toMatchObject({ status: 'pending', attempt: 0 });
    for (const field of ['lease', 'error', 'completedAt', 'assignedAt', 'notBefore'] as const) expect(field in retried).toBe(false);
  });
});
