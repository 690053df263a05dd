import fc from 'fast-check';
import { decideRetry, DEFAULT_RETRY_POLICY, retryDelaySeconds, retryNotBefore } from '../src/retry.js';

const noJitter = { ...DEFAULT_RETRY_POLICY, jitter: 0 };

describe('retryDelaySeconds', () => {
  it.each([
    [1, 2],
    [2, 4],
    [3, 8],
    [8, 256],
    [9, 300],
    [50, 300],
  ])('attempt %i without jitter waits %i s', (attempt, expected) => {
    expect(retryDelaySeconds(attempt, 0.5, noJitter)).toBe(expected);
  });

  it('spreads the delay by the jitter fraction either way', () => {
    expect(retryDelaySeconds(2, 0, DEFAULT_RETRY_POLICY)).toBeCloseTo(3.2);
    expect(retryDelaySeconds(2, 0.5, DEFAULT_RETRY_POLICY)).toBeCloseTo(4);
    expect(retryDelaySeconds(2, 0.999999, DEFAULT_RETRY_POLICY)).toBeCloseTo(4.8);
  });

  it('stays within [0, cap] and never shrinks as attempts grow (same draw)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = retryDelaySeconds(attempt, r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxSeconds);
        expect(retryDelaySeconds(attempt + 1, r)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});

describe('retryNotBefore', () => {
  it('adds the delay to the given clock', () => {
    expect(retryNotBefore(Date.UTC(2026, 0, 1), 1, 0.5, noJitter)).toBe('2026-01-01T00:00:02.000Z');
  });
});

describe('decideRetry', () => {
  it.each([
    [1, 3, true, { retry: true }],
    [2, 3, true, { retry: true }],
    [3, 3, true, { retry: false, reason: 'attempts-exhausted' }],
    [1, 3, false, { retry: false, reason: 'permanent' }],
  ])('attempt %i of %i, retryable %s', (attempt, max, retryable, expected) => {
    expect(decideRetry(attempt, max, retryable)).toEqual(expected);
  });
});
