import type { Clock } from '../../src/ports.js';

/**
 * A clock that flows with real time (so long-polls and timers behave naturally) and can be pushed forward
 * at will: lease expiry and back-off are tested by advancing it, never by sleeping.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
