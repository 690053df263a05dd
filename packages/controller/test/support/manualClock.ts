import type { Clock } from '../../src/ports.js';

/** A clock that moves only when told to: liveness, token caches and event ids are tested by advancing it. */
export class ManualClock implements Clock {
  constructor(public ms = Date.parse('2030-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
