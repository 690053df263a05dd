/**
 * The held request's signal: aborts on hang-up and on shutdown, and leaves nothing held for the long-lived
 * shutdown signal once the response is over (AbortSignal.any did, on Node 20, for every claim). The shutdown
 * signal itself carries one listener however many requests are held.
 */
import { EventEmitter, getEventListeners } from 'node:events';
import { atShutdown, heldUntilShutdown } from '../../src/http/atShutdown.js';
import { requestSignal } from '../../src/http/requestSignal.js';

/** Just what requestSignal uses of an express response. */
class FakeResponse extends EventEmitter {
  writableFinished = false;

  /** The answer was written in full, then the response closed. */
  answer(): void {
    this.writableFinished = true;
    this.emit('close');
  }

  /** The client went away before its answer. */
  hangUp(): void {
    this.emit('close');
  }
}

describe('requestSignal', () => {
  it('does not abort when the answer went out, and lets go of the shutdown signal', () => {
    const shutdown = new AbortController();
    const res = new FakeResponse();
    const signal = requestSignal(res, shutdown.signal);
    expect(heldUntilShutdown(shutdown.signal)).toBe(1);
    res.answer();
    expect(signal.aborted).toBe(false);
    expect(heldUntilShutdown(shutdown.signal)).toBe(0);
  });

  it('aborts when the client hangs up first', () => {
    const shutdown = new AbortController();
    const res = new FakeResponse();
    const signal = requestSignal(res, shutdown.signal);
    res.hangUp();
    expect(signal.aborted).toBe(true);
    expect(heldUntilShutdown(shutdown.signal)).toBe(0);
  });

  it('aborts when the server shuts down while the request is held, or had already', () => {
    const shutdown = new AbortController();
    const held = requestSignal(new FakeResponse(), shutdown.signal);
    shutdown.abort();
    expect(held.aborted).toBe(true);
    expect(requestSignal(new FakeResponse(), shutdown.signal).aborted).toBe(true);
  });

  it('works without a shutdown signal', () => {
    const res = new FakeResponse();
    const signal = requestSignal(res, undefined);
    res.hangUp();
    expect(signal.aborted).toBe(true);
  });

  it('a thousand claims come and go: nothing stays registered with the shutdown signal', () => {
    const shutdown = new AbortController();
    const responses = Array.from({ length: 1000 }, () => new FakeResponse());
    const signals = responses.map((res) => requestSignal(res, shutdown.signal));
    expect(heldUntilShutdown(shutdown.signal)).toBe(1000);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    responses.forEach((res, i) => (i % 2 === 0 ? res.answer() : res.hangUp()));
    expect(heldUntilShutdown(shutdown.signal)).toBe(0);
    expect(signals.filter((s) => s.aborted)).toHaveLength(500);
  });

  it('a shutdown runs every act still held, once, and none that was let go', () => {
    const shutdown = new AbortController();
    const ran: string[] = [];
    atShutdown(shutdown.signal, () => ran.push('a'));
    const releaseB = atShutdown(shutdown.signal, () => ran.push('b'));
    atShutdown(shutdown.signal, () => ran.push('c'));
    releaseB();
    shutdown.abort();
    shutdown.abort();
    expect(ran).toEqual(['a', 'c']);
    expect(heldUntilShutdown(shutdown.signal)).toBe(0);
    atShutdown(shutdown.signal, () => ran.push('late'));
    expect(ran).toEqual(['a', 'c']);
  });
});
